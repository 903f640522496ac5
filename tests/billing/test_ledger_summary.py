"""The ledger summary: kept in every posting's transaction (whatever writes the rows), equal to a
full recomputation for random postings, corrections and back-dated payments, checked and
rebuilt by `manage.py ledger_summary`, and read by the pages in a number of rows that does not
grow with the history."""

import datetime
import io
import random
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command
from django.db.models.signals import post_init
from django.urls import reverse
from django.utils import timezone

from billing.account.queries import month_end_points, year_history
from billing.ledger import services
from billing.ledger.queries import account_state_of, ledger_for_account
from billing.ledger.summary import summarize
from billing.ledger.totals import summary_differences
from billing.models import Charge, InterestRate, LedgerMonth, LedgerTotal, Payment
from core.dates import month_end, months_back
from tests.billing.factories import ChargeFactory, PaymentFactory
from tests.factories import AccountFactory

d = datetime.date


def stored(account):
    total = LedgerTotal.objects.filter(account=account).first()
    months = {
        m.month: (m.charged, m.paid)
        for m in LedgerMonth.objects.filter(account=account)
        if m.charged or m.paid
    }
    return (total.charged, total.paid) if total else (0, 0), months


@pytest.mark.django_db
def test_every_way_of_posting_updates_the_summary(account, staff):
    rent = ChargeFactory(account=account, amount=D("512.30"), due_date=d(2026, 3, 10))
    ChargeFactory(account=account, amount=D("88.15"), due_date=d(2026, 4, 10))
    Charge.objects.bulk_create(
        [ChargeFactory.build(account=account, amount=D("10.01"), due_date=d(2026, 4, 30))]
    )
    paid = services.payment_post(
        account=account, amount=D("600.00"), paid_on=d(2026, 3, 9), method="bank"
    )
    services.charge_correct(charge=rent, new_amount=D("500.00"), reason="Metraż", clerk=staff)
    services.payment_correct(payment=paid, new_amount=D("590.00"), reason="Kwota", clerk=staff)
    # In grosze. March: charged 512.30 − 12.30 = 500.00, paid 600.00 − 10.00 = 590.00.
    # April: 88.15 + 10.01 = 98.16. Total: charged 598.16, paid 590.00.
    assert stored(account) == (
        (59816, 59000),
        {d(2026, 3, 1): (50000, 59000), d(2026, 4, 1): (9816, 0)},
    )
    assert not summary_differences()


@pytest.mark.django_db
def test_the_charge_run_and_the_demo_sql_update_it_too():
    call_command("seed_demo", stdout=io.StringIO())
    assert Charge.objects.count() > 1000
    assert not summary_differences()
    account = Charge.objects.first().account
    charged = sum(c.amount for c in Charge.objects.filter(account=account))
    paid = sum(p.amount for p in Payment.objects.filter(account=account))
    total = LedgerTotal.objects.get(account=account)
    assert (total.charged, total.paid) == (int(charged * 100), int(paid * 100))


def same_figures(account, today):
    """The page's state (summary + open items) and the whole-history ledger agree."""
    fast = account_state_of(account, today)
    full = ledger_for_account(account, today)
    assert summarize(fast) == summarize(full)
    assert {s.charge.pk: s.unpaid for s in fast.unpaid} == {
        s.charge.pk: s.unpaid for s in full.unpaid
    }


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(12))
def test_summary_equals_a_full_recomputation_for_random_ledgers(seed, staff):
    rng = random.Random(seed)
    account = AccountFactory()
    today = d(2026, 12, 5)
    charges, payments = [], []
    for _step in range(rng.randint(5, 60)):
        kind = rng.random()
        day = today - datetime.timedelta(days=rng.randint(-40, 3 * 365))
        amount = D(rng.randint(1, 90_000)) / 100
        if kind < 0.5:
            charges.append(ChargeFactory(account=account, amount=amount, due_date=day))
        elif kind < 0.8:  # back-dated or not: any day of the three years
            payments.append(PaymentFactory(account=account, amount=amount, paid_on=day))
        elif kind < 0.9 and charges:
            charge = rng.choice(charges)
            new = D(rng.randint(0, 90_000)) / 100
            if new != charge.amount + sum(c.amount for c in charge.corrections.all()):
                services.charge_correct(charge=charge, new_amount=new, reason="K", clerk=staff)
        elif payments:
            payment = rng.choice(payments)
            new = D(rng.randint(0, 90_000)) / 100
            if new != payment.amount + sum(c.amount for c in payment.corrections.all()):
                services.payment_correct(payment=payment, new_amount=new, reason="K", clerk=staff)
    assert not summary_differences()
    for day in (today, today - datetime.timedelta(days=200), today + datetime.timedelta(days=60)):
        same_figures(account, day)
    same_history(account, today)


def balance_on(account, day):
    """paid − charged of every entry dated up to and including `day`, from the rows."""
    paid = sum(p.amount for p in Payment.objects.filter(account=account, paid_on__lte=day))
    charged = sum(c.amount for c in Charge.objects.filter(account=account, due_date__lte=day))
    return D(paid) - D(charged)


def same_history(account, today):
    """The chart's month-end balances and each year's opening balance, from the summary, equal
    sums over the rows."""
    balance = account_state_of(account, today).balance
    for month, value in month_end_points(account, balance, today, 24):
        # The current month too ends with everything dated in it (the headline's balance).
        assert value == balance_on(account, month_end(month)), month
    for year in (today.year - 3, today.year - 1, today.year):
        opening = year_history(account, balance, year).opening
        assert opening == balance_on(account, d(year - 1, 12, 31)), year


@pytest.mark.django_db
def test_corrections_in_the_same_due_date_group_fold_across_reading_chunks(account, staff):
    # 30 charges due the same day (several chunks of rows): the newest ones are corrected, so
    # their corrections are read before them, in an earlier chunk.
    day = d(2026, 11, 10)
    rows = [ChargeFactory(account=account, amount=D("10.00"), due_date=day) for _ in range(30)]
    for charge in rows[:5]:
        services.charge_correct(charge=charge, new_amount=D("4.00"), reason="Ulga", clerk=staff)
    PaymentFactory(account=account, amount=D("100.00"), paid_on=d(2026, 11, 9))
    # Charged 25 × 10 + 5 × 4 = 270.00; paid 100.00; owed 170.00.
    state = account_state_of(account, d(2026, 11, 20))
    assert state.owed == D("170.00")
    assert sum(s.unpaid for s in state.unpaid) == D("170.00")
    same_figures(account, d(2026, 11, 20))


@pytest.mark.django_db
def test_the_command_finds_and_repairs_a_broken_summary(account):
    ChargeFactory(account=account, amount=D("100.00"), due_date=d(2026, 1, 12))
    call_command("ledger_summary", stdout=io.StringIO())  # agrees: no error
    LedgerMonth.objects.filter(account=account).update(charged=1)
    with pytest.raises(CommandError, match="1 month rows|wiersze miesięcy: 1,"):
        call_command("ledger_summary", stdout=io.StringIO())
    out = io.StringIO()
    call_command("ledger_summary", "--rebuild", stdout=out)
    assert "1 month rows" in out.getvalue() or "wiersze miesięcy: 1," in out.getvalue()
    assert stored(account) == ((10000, 0), {d(2026, 1, 1): (10000, 0)})


def history(account, months, *, owing):
    """`months` months of charges (rent and water) ending this month, each paid in full on
    the 8th, except the last two months when `owing`."""
    today = timezone.localdate()
    charges, payments = [], []
    for back in range(months - 1, -1, -1):
        period = months_back(today, back)
        for title, amount in (("Czynsz", D("512.30")), ("Woda", D("88.15"))):
            charges.append(
                Charge(
                    account=account,
                    title=title,
                    quantity=1,
                    unit_price=amount,
                    amount=amount,
                    vat_rate="zw",
                    period=period,
                    due_date=period.replace(day=10),
                )
            )
        if not (owing and back < 2):
            payments.append(
                Payment(
                    account=account,
                    amount=D("600.45"),
                    paid_on=period.replace(day=8),
                    method="bank",
                    title="Opłaty",
                )
            )
    Charge.objects.bulk_create(charges)
    Payment.objects.bulk_create(payments)


class RowCounter:
    """Billing rows read while a page is served: model instances made from database rows (the
    aggregates over the summary come on top, one row each)."""

    def __init__(self):
        self.count = 0

    def __call__(self, sender, instance, **kwargs):
        if instance.pk is not None and sender._meta.app_label == "billing":  # loaded, not built
            self.count += 1


def rows_read(client, path):
    counter = RowCounter()
    post_init.connect(counter, weak=False)
    try:
        response = client.get(path)
    finally:
        post_init.disconnect(counter)
    assert response.status_code == 200, path
    return counter.count


PAGES = ["billing:balance", "billing:current", "billing:history", "billing:pay", "billing:pay_qr"]


@pytest.mark.django_db
@pytest.mark.parametrize("owing", [False, True])
def test_pages_read_the_same_rows_for_4_and_30_years(client, owner, stranger, owing):
    """The balance page reads the claim period's rows for the interest on late payments (from
    1 January three years back, late_interest.py): 4 years cover it, 30 read no more."""
    short, long = owner.account_accesses.get().account, stranger.account_accesses.get().account
    history(short, 48, owing=owing)
    history(long, 360, owing=owing)
    assert LedgerMonth.objects.filter(account=long).count() == 360
    counts = {}
    for user, account in ((owner, short), (stranger, long)):
        client.force_login(user)
        client.get(reverse("dashboard"))  # the first request also records the session
        for name in PAGES:
            counts[name, user.pk] = rows_read(client, reverse(name, args=[account.pk]))
    for name in PAGES:
        assert counts[name, owner.pk] == counts[name, stranger.pk], name
    # What the pages show is right, too: owing two months of 600.45 = 1 200.90 zł.
    client.force_login(stranger)
    page = client.get(reverse("billing:pay", args=[long.pk])).content.decode()
    assert ("1\xa0200,90\xa0zł" in page) is owing
    assert account_state_of(long).balance == (D("-1200.90") if owing else D("0.00"))


@pytest.mark.django_db
def test_history_carries_the_opening_balance_in(owner_client, account):
    history(account, 36, owing=True)
    year = timezone.localdate().year - 1
    response = owner_client.get(reverse("billing:history", args=[account.pk]) + f"?rok={year}")
    hist = response.context["history"]
    # Every earlier month was paid in full: the year opens and closes at 0,00.
    assert hist.opening == D("0.00")
    assert hist.closing == D("0.00")
    assert len(hist.entries) == 36  # 12 × (two charges + one payment)
    this_year = owner_client.get(reverse("billing:history", args=[account.pk]))
    assert this_year.context["history"].closing == D("-1200.90")


@pytest.mark.django_db
def test_interest_to_today_is_on_open_items_only(account):
    InterestRate.objects.all().delete()
    InterestRate.objects.create(valid_from=d(2020, 1, 1), rate=D("10.00"))
    # Paid 30 days late in 2025, then a charge left unpaid: due Tue 10 Nov 2026, today 20 Nov.
    ChargeFactory(account=account, amount=D("365.00"), due_date=d(2025, 3, 10))
    PaymentFactory(account=account, amount=D("365.00"), paid_on=d(2025, 4, 9))
    ChargeFactory(account=account, amount=D("730.00"), due_date=d(2026, 11, 10))
    state = account_state_of(account, d(2026, 11, 20))
    # 730 × 10% / 365 × 10 days (11–20 Nov) = 2.00; the 2025 delay is not in the estimate.
    assert summarize(state).interest == D("2.00")
    # The whole-history calculator also counts 365 × 10% × 30 / 365 = 3.00 of the 2025 delay.
    assert ledger_for_account(account, d(2026, 11, 20)).interest == D("5.00")
