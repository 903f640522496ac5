"""Interest already owed on charges paid after their deadline (issue #28, point 8)."""

import datetime
import random
from decimal import Decimal as D
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from billing.account.queries import late_interest_of
from billing.ledger import services
from billing.ledger.balances import build_ledger, interest_for, rate_schedule
from billing.ledger.late_interest import claim_start
from billing.models import Charge, InterestRate, Payment
from core.money import money
from tests.billing.factories import ChargeFactory, PaymentFactory

d = datetime.date
TODAY = d(2026, 12, 7)
_localdate = timezone.localdate


def _today(value=None, timezone=None):
    return TODAY if value is None else _localdate(value, timezone)


@pytest.fixture
def on_7_dec_2026():
    with mock.patch.object(timezone, "localdate", _today):
        yield


HEADING = "Interest on payments made after the due date"


def period(days, rate):
    return ngettext("%(days)s day at %(rate)s%%", "%(days)s days at %(rate)s%%", days) % {
        "days": days,
        "rate": rate,
    }


def balance_page(client, account):
    return client.get(reverse("billing:balance", args=[account.pk])).content.decode()


@pytest.mark.django_db
def test_the_domain_example_is_shown_with_its_computation(owner_client, account, on_7_dec_2026):
    ChargeFactory(account=account, title="Czynsz", amount=D("1000.00"), due_date=d(2026, 2, 10))
    PaymentFactory(account=account, amount=D("1000.00"), paid_on=d(2026, 3, 31))
    page = balance_page(owner_client, account)
    # Tue 10 Feb 2026 is a working day; 11 Feb – 31 Mar = 18 + 31 = 49 days:
    # 11 Feb – 4 Mar = 22 days at 9.50 %, 5 – 31 Mar = 27 days at 9.25 %;
    # 1000 × (22 × 9.50 + 27 × 9.25) / 100 / 365 = 1000 × 458.75 / 36500 = 12.568… → 12,57 zł
    assert gettext(HEADING) in page
    assert "12,57\xa0zł" in page
    assert "10 lutego 2026" in page
    assert "31 marca 2026" in page
    assert ">49<" in page
    assert period(22, "9,50") in page
    assert period(27, "9,25") in page
    # Nothing is unpaid: the estimate to today shows nothing.
    assert gettext("Interest for delay (estimate)") not in page


@pytest.mark.django_db
def test_payments_settle_the_oldest_charge_first(account):
    ChargeFactory(account=account, title="Czynsz", amount=D("1000.00"), due_date=d(2026, 2, 10))
    ChargeFactory(account=account, title="Woda", amount=D("500.00"), due_date=d(2026, 3, 10))
    PaymentFactory(account=account, amount=D("1200.00"), paid_on=d(2026, 3, 31))
    late = late_interest_of(account, TODAY)
    # 1 000,00 of February: 12,57 (the domain example).
    # 200,00 of March (Tue 10 Mar): 11 – 31 Mar = 21 days × 9.25 %:
    # 200 × 9.25 × 21 / 36500 = 38 850 / 36 500 = 1.064… → 1,06
    assert [(p.charge.title, p.amount, p.days, p.interest) for p in late.parts] == [
        ("Czynsz", D("1000.00"), 49, D("12.57")),
        ("Woda", D("200.00"), 21, D("1.06")),
    ]
    assert late.total == D("13.63")  # 12,57 + 1,06


@pytest.mark.django_db
def test_only_payments_of_the_claim_period_count(account):
    assert claim_start(TODAY) == d(2023, 1, 1)  # 3 years, to the end of a calendar year
    # Paid Thu 31 Mar 2022, before the claim period: not claimed.
    ChargeFactory(account=account, amount=D("1000.00"), due_date=d(2022, 2, 10))
    PaymentFactory(account=account, amount=D("1000.00"), paid_on=d(2022, 3, 31))
    # Due Thu 10 Nov 2022, paid Tue 10 Jan 2023, inside the period.
    ChargeFactory(account=account, amount=D("1000.00"), due_date=d(2022, 11, 10))
    PaymentFactory(account=account, amount=D("1000.00"), paid_on=d(2023, 1, 10))
    late = late_interest_of(account, TODAY)
    # 11 Nov 2022 – 10 Jan 2023 = 20 + 31 + 10 = 61 days at 12.25 % (from 8 Sep 2022):
    # 1000 × 12.25 × 61 / 36500 = 747 250 / 36 500 = 20.472… → 20,47
    assert [(p.due_date, p.paid_on, p.days, p.interest) for p in late.parts] == [
        (d(2022, 11, 10), d(2023, 1, 10), 61, D("20.47"))
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(6))
def test_the_claim_period_reads_agree_with_the_whole_history(account, seed):
    """Random 10-year ledgers with late, early and partial payments and corrections of both: the
    lines from the claim period's rows are those of the whole-history allocation."""
    rnd = random.Random(seed)
    day = d(2017, 1, 1)
    charges = []
    while day < d(2026, 12, 1):
        charge = ChargeFactory(
            account=account, amount=D(rnd.randint(300, 900)), due_date=day.replace(day=10)
        )
        charges.append(charge)
        if rnd.random() < 0.1:
            Charge.objects.create(
                account=account,
                title="Korekta",
                quantity=1,
                unit_price=D("-50.00"),
                amount=D("-50.00"),
                vat_rate="zw",
                due_date=charge.due_date,
                corrects=charge,
                reason="Błąd w stawce",
            )
        paid_on = day + datetime.timedelta(days=rnd.randint(0, 120))
        if paid_on < TODAY:
            payment = PaymentFactory(
                account=account, amount=D(rnd.randint(50, 900)), paid_on=paid_on
            )
            if rnd.random() < 0.1:
                Payment.objects.create(
                    account=account,
                    amount=D("-20.00"),
                    method="correction",
                    paid_on=paid_on + datetime.timedelta(days=40),
                    corrects=payment,
                    reason="Zwrot części wpłaty",
                )
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    schedule = rate_schedule(InterestRate.objects.all())
    since = claim_start(TODAY)
    ledger = build_ledger(
        list(Charge.objects.filter(account=account)),
        list(Payment.objects.filter(account=account)),
        rates=InterestRate.objects.all(),
        today=TODAY,
    )
    expected = sorted(
        (state.charge.pk, paid, part, money(interest_for(part, state.due_date, paid, schedule)))
        for state in ledger.charges
        for paid, part in state.paid_parts
        if paid >= since and money(interest_for(part, state.due_date, paid, schedule)) > 0
    )
    late = late_interest_of(account, TODAY)
    assert expected  # the random ledger has late payments in the period
    assert sorted((p.charge.pk, p.paid_on, p.amount, p.interest) for p in late.parts) == expected


@pytest.mark.django_db
def test_the_cached_page_shows_a_late_payment_at_once(owner_client, account, on_7_dec_2026):
    ChargeFactory(account=account, amount=D("1000.00"), due_date=d(2026, 2, 10))
    assert gettext(HEADING) not in balance_page(owner_client, account)
    services.payment_post(
        account=account, amount=D("1000.00"), paid_on=d(2026, 3, 31), method="bank"
    )
    assert "12,57\xa0zł" in balance_page(owner_client, account)  # the domain example


@pytest.mark.django_db
def test_hidden_when_interest_is_not_shown(owner_client, account, settings, on_7_dec_2026):
    settings.BILLING_SHOW_INTEREST = False
    ChargeFactory(account=account, amount=D("1000.00"), due_date=d(2026, 2, 10))
    PaymentFactory(account=account, amount=D("1000.00"), paid_on=d(2026, 3, 31))
    page = balance_page(owner_client, account)
    assert gettext(HEADING) not in page
    assert "12,57" not in page
