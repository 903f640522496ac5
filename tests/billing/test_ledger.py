"""Hand-computed ledgers: allocation oldest first, balance, overdue, interest, corrections."""

import datetime
from decimal import Decimal as D

import pytest

from billing.ledger import services
from billing.ledger.balances import build_ledger, interest_for, rate_schedule
from billing.ledger.queries import ledger_for_account
from billing.models import Charge, InterestRate, Payment
from tests.billing.factories import ChargeFactory, PaymentFactory
from tests.services import require_postgres

d = datetime.date


class Row:
    """An unsaved ledger row: the arithmetic needs no database."""

    _pk = 0

    def __init__(self, amount, due_date=None, paid_on=None, corrects=None):
        Row._pk += 1
        self.pk = Row._pk
        self.amount = D(amount)
        self.due_date = due_date
        self.paid_on = paid_on
        self.corrects_id = corrects.pk if corrects else None


RATES = [
    (d(2025, 10, 9), "10.00"),
    (d(2025, 11, 6), "9.75"),
    (d(2025, 12, 4), "9.50"),
    (d(2026, 3, 5), "9.25"),
]


def test_domain_worked_example_interest_across_a_rate_change():
    # DOMAIN.md §3: 1,000.00 zł due 10 Feb 2026, paid 31 Mar 2026 → 12.57 zł
    # 11 Feb–4 Mar: 22 days at 9.50%; 5–31 Mar: 27 days at 9.25%.
    charge = Row("1000.00", due_date=d(2026, 2, 10))
    payment = Row("1000.00", paid_on=d(2026, 3, 31))
    ledger = build_ledger([charge], [payment], rates=RATES, today=d(2026, 6, 1))
    assert ledger.interest == D("12.57")
    assert ledger.balance == D("0.00")
    assert ledger.overdue == D("0.00")


def test_no_interest_when_paid_on_the_due_date():
    schedule = rate_schedule(RATES)
    assert interest_for(D("500"), d(2026, 2, 10), d(2026, 2, 10), schedule) == 0
    # one day late: 500 × 9.5% / 365
    assert round(interest_for(D("500"), d(2026, 2, 10), d(2026, 2, 11), schedule), 4) == D("0.1301")


def test_interest_over_every_rate_and_from_before_the_first_one():
    schedule = rate_schedule(RATES)
    # Due 1 Oct 2025, paid 10 Mar 2026: 2–8 Oct has no rate yet (0), then
    # 9 Oct–5 Nov 28 d × 10%, 6 Nov–3 Dec 28 d × 9.75%, 4 Dec–4 Mar 91 d × 9.5%,
    # 5–10 Mar 6 d × 9.25% → 3650 × (280 + 273 + 864.5 + 55.5) / 36500 = 147.30
    assert round(interest_for(D("3650"), d(2025, 10, 1), d(2026, 3, 10), schedule), 2) == D(
        "147.30"
    )
    # Starting after the last change: only 9.25%, 10 days.
    assert interest_for(D("3650"), d(2026, 4, 30), d(2026, 5, 10), schedule) == D("9.25")


def test_payments_go_to_the_oldest_charge_first():
    jan = Row("300.00", due_date=d(2026, 1, 10))
    feb = Row("300.00", due_date=d(2026, 2, 10))
    mar = Row("300.00", due_date=d(2026, 3, 10))
    paid = [Row("250.00", paid_on=d(2026, 1, 5)), Row("400.00", paid_on=d(2026, 2, 20))]
    ledger = build_ledger([mar, jan, feb], paid, today=d(2026, 3, 15))
    states = {s.charge.pk: s for s in ledger.charges}
    assert [s.charge.pk for s in ledger.charges] == [jan.pk, feb.pk, mar.pk]
    assert states[jan.pk].unpaid == D("0.00")
    assert states[jan.pk].paid_parts == [(d(2026, 1, 5), D("250.00")), (d(2026, 2, 20), D("50.00"))]
    assert states[feb.pk].unpaid == D("0.00")
    assert states[mar.pk].unpaid == D("250.00")
    assert ledger.balance == D("-250.00")
    assert ledger.overdue == D("250.00")  # March was due on the 10th
    assert ledger.oldest_overdue_date == d(2026, 3, 10)
    assert ledger.next_due_date is None


def test_underpaid_overpaid_and_settled():
    charge = Row("120.50", due_date=d(2026, 1, 10))
    under = build_ledger([charge], [Row("100.00", paid_on=d(2026, 1, 9))], today=d(2026, 1, 9))
    # Saturday 10 Jan 2026: the deadline is Monday the 12th (art. 115 k.c.).
    assert (under.balance, under.overdue, under.next_due_date) == (
        D("-20.50"),
        D("0.00"),
        d(2026, 1, 12),
    )
    over = build_ledger([charge], [Row("200.00", paid_on=d(2026, 1, 9))], today=d(2026, 1, 20))
    assert over.balance == D("79.50")
    assert over.overdue == D("0.00")
    assert not over.unpaid
    # The overpayment pays next month's charge when it comes.
    feb = Row("100.00", due_date=d(2026, 2, 10))
    later = build_ledger(
        [charge, feb], [Row("200.00", paid_on=d(2026, 1, 9))], today=d(2026, 2, 20)
    )
    assert later.balance == D("-20.50")
    assert later.overdue == D("20.50")


def test_interest_on_part_paid_late_and_part_still_unpaid():
    charge = Row("1000.00", due_date=d(2026, 3, 10))
    part = Row("400.00", paid_on=d(2026, 3, 20))  # 10 days late at 9.25%
    ledger = build_ledger([charge], [part], rates=RATES, today=d(2026, 3, 30))  # 600 × 20 days
    expected = D(400) * D("9.25") * 10 / 100 / 365 + D(600) * D("9.25") * 20 / 100 / 365
    assert ledger.interest == expected.quantize(D("0.01"))
    assert ledger.interest == D("4.05")


def test_charge_correction_folds_into_the_original():
    jan = Row("300.00", due_date=d(2026, 1, 10))
    fix = Row("-100.00", due_date=d(2026, 1, 10), corrects=jan)
    ledger = build_ledger([jan, fix], [Row("200.00", paid_on=d(2026, 1, 10))], today=d(2026, 2, 1))
    assert len(ledger.charges) == 1
    assert ledger.charges[0].amount == D("200.00")
    assert ledger.charges[0].unpaid == 0
    assert ledger.balance == D("0.00")


def test_reversed_payment_pays_nothing():
    jan = Row("300.00", due_date=d(2026, 1, 10))
    wrong = Row("300.00", paid_on=d(2026, 1, 5))
    reversal = Row("-300.00", paid_on=d(2026, 1, 5), corrects=wrong)
    ledger = build_ledger([jan], [wrong, reversal], today=d(2026, 1, 20))
    assert ledger.charges[0].unpaid == D("300.00")
    assert ledger.overdue == D("300.00")
    assert ledger.balance == D("-300.00")


def test_no_rates_no_interest():
    ledger = build_ledger(
        [Row("10.00", due_date=d(2020, 1, 10))], [], rates=[], today=d(2026, 1, 1)
    )
    assert ledger.interest == 0
    assert ledger.overdue == D("10.00")


@pytest.mark.django_db
def test_seeded_rates_give_the_worked_example(account):
    assert InterestRate.objects.get(valid_from=d(2025, 12, 4)).rate == D("9.50")
    ChargeFactory(account=account, amount=D("1000.00"), due_date=d(2026, 2, 10))
    PaymentFactory(account=account, amount=D("1000.00"), paid_on=d(2026, 3, 31))
    assert ledger_for_account(account, today=d(2026, 4, 1)).interest == D("12.57")


@pytest.mark.django_db
def test_ledger_reads_in_constant_queries(account, django_assert_num_queries):
    for month in range(1, 13):
        ChargeFactory(account=account, due_date=d(2025, month, 10))
        PaymentFactory(account=account, paid_on=d(2025, month, 12))
    with django_assert_num_queries(3):
        ledger = ledger_for_account(account, today=d(2026, 1, 1))
    assert ledger.balance == 0
    assert ledger.interest > 0  # every month paid two days late


@pytest.mark.django_db
def test_correction_services_post_new_rows_and_keep_the_old(account, staff):
    charge = ChargeFactory(account=account, amount=D("300.00"))
    fix = services.charge_correct(
        charge=charge, new_amount="250,00".replace(",", "."), reason="Błędny metraż", clerk=staff
    )
    assert fix.amount == D("-50.00")
    assert fix.due_date == charge.due_date
    charge.refresh_from_db()
    assert charge.amount == D("300.00")
    with pytest.raises(services.BillingError):
        services.charge_correct(charge=charge, new_amount=D("250"), reason="again", clerk=staff)
    with pytest.raises(services.BillingError):
        services.charge_correct(charge=charge, new_amount=D("1"), reason="  ", clerk=staff)
    with pytest.raises(services.BillingError):
        services.charge_correct(charge=fix, new_amount=D("1"), reason="x", clerk=staff)

    payment = PaymentFactory(account=account, amount=D("300.00"))
    reversal = services.payment_correct(
        payment=payment, new_amount=D("0"), reason="Wpłata na złe konto", clerk=staff
    )
    assert reversal.amount == D("-300.00")
    assert reversal.method == Payment.Method.CORRECTION
    assert ledger_for_account(account, today=d(2026, 2, 1)).balance == D("-250.00")


@pytest.mark.django_db
def test_the_database_refuses_what_the_rules_refuse(account):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ChargeFactory(account=account, amount=D("-5.00"))  # negative without `corrects`
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentFactory(account=account, method="cash", amount=D("5.00"))  # cash without reason
    original = ChargeFactory(account=account)
    with pytest.raises(IntegrityError), transaction.atomic():
        Charge.objects.create(
            account=account,
            title="x",
            unit_price=1,
            amount=D("-1"),
            vat_rate="zw",
            due_date=d(2026, 1, 10),
            corrects=original,
            reason="",
        )


@pytest.mark.django_db
def test_money_is_rounded_half_up(account):
    payment = services.payment_post(
        account=account, amount=D("10.005"), paid_on=d(2026, 1, 10), method="bank"
    )
    assert payment.amount == D("10.01")  # Python's default would give 10.00


VALUES = (
    "SELECT * FROM (VALUES (%s::bigint, %s::numeric, %s::date, %s, %s, NULL::bigint), "
    "(NULL, 5, %s::date, '', '', NULL)) AS v"
)


@pytest.mark.django_db
def test_set_wise_posting_keeps_the_rules_of_one_payment(account):
    """payments_post_select: a row without an account is no payment; the amount is rounded
    half up, the title and payer cut to their columns; a zero amount is refused."""
    require_postgres()
    day = d(2026, 1, 10)
    given, paid = services.payments_post_select(
        VALUES, [account.pk, "10.005", day, "T" * 400, "P" * 250, day], method="bank"
    )
    assert (given, paid) == (2, 1)
    payment = Payment.objects.get()
    assert (payment.amount, payment.paid_on, payment.method) == (D("10.01"), day, "bank")
    assert (len(payment.title), len(payment.payer), payment.reason) == (300, 200, "")
    with pytest.raises(services.BillingError):
        services.payments_post_select(
            VALUES, [account.pk, "0.004", day, "", "", day], method="bank"
        )
    with pytest.raises(ValueError, match="posted one at a time"):
        services.payments_post_select(VALUES, [account.pk, "1", day, "", "", day], method="cash")
