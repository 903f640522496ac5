"""Demo billing data: the story the README tells, safe to run twice; the bulk scale history."""

import datetime
import io
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from accounts.models import Account
from billing.invoices.fa3.schema import fa3_errors
from billing.ledger.deadlines import deadline
from billing.ledger.queries import ledger_for_account
from billing.models import Charge, ChargeRun, Fee, Invoice, Payment, Settlement
from core.dates import month_start, months_back
from demo.ledger import HISTORY_MONTHS, SCALE_DEBTOR_EVERY, seed_billing_scale
from tests.billing.factories import component
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def seed(*args):
    call_command("seed_demo", *args, stdout=io.StringIO())


def counts():
    return [m.objects.count() for m in (Fee, ChargeRun, Charge, Payment)]


def ledger(number):
    return ledger_for_account(Account.objects.get(number=number))


def month_total(number, period):
    return Charge.objects.filter(account__number=number, period=period).aggregate(
        total=Sum("amount")
    )["total"]


def water(number):
    """What the account's water settlements added to its debt (above 0) or credited (below)."""
    return Settlement.objects.filter(
        account__number=number, correction__isnull=True
    ).aggregate(total=Sum("difference"))["total"] or D("0.00")


def test_demo_story():
    seed()
    today = timezone.localdate()
    current = month_start(today)
    assert ChargeRun.objects.filter(status="done").count() == HISTORY_MONTHS
    # every demo account has a fee schedule and was charged each month
    for account in Account.objects.all():
        periods = set(
            Charge.objects.filter(account=account, period__isnull=False).values_list(
                "period", flat=True
            )
        )
        assert len(periods) == HISTORY_MONTHS, account.number
    # and the water of the last two half-years was settled for every account with meters
    assert Settlement.objects.filter(account__number="1001").count() == 2
    assert Settlement.objects.filter(account__number="1001", estimated=True).count() == 1

    tenant = ledger("1001")  # najemca: one month skipped, this month paid in part
    skipped = month_total("1001", months_back(current, 4))
    this_month = month_total("1001", current)
    assert tenant.balance == -(skipped + this_month - D("200.00")) - water("1001")
    assert tenant.overdue > 0
    assert tenant.oldest_overdue_date < current  # an older month is overdue

    # firma: up to date with the fees, and its water advances were more than its use
    assert ledger("1005").balance == -water("1005") > 0
    assert ledger("1005").overdue == D("0.00")
    # wlasciciel's flat: 50 zł overpaid, plus what its water settlements credited
    assert ledger("2003").balance == D("50.00") - water("2003")
    for number in ("1002", "2001", "3001", "3005"):
        assert ledger(number).overdue == D("0.00"), number


def test_demo_fee_schedules_by_kind():
    seed()

    def codes(number):
        return set(
            Fee.objects.filter(account__number=number).values_list("component__code", flat=True)
        )

    assert codes("1001") == {"rent", "water_sewage", "waste"}
    assert codes("2001") == {"management", "repair_fund", "water_sewage"}
    assert codes("1005") == {"commercial_rent", "water_sewage"}
    rent = Charge.objects.filter(account__number="1005", component__code="commercial_rent")
    assert set(rent.values_list("vat_rate", flat=True)) == {"23"}
    assert set(
        Charge.objects.filter(account__number="1001", component__code="rent").values_list(
            "vat_rate", flat=True
        )
    ) == {"zw"}
    # VAT from the components' rules per kind of account (docs/ksef.md): metered water is a
    # supply of its own at 8% for a business, a municipal flat and an owner alike; an owner's
    # management advance is outside VAT, as the repair fund
    water = Charge.objects.filter(component__code="water_sewage")
    for number in ("1005", "1001", "2001"):
        assert set(water.filter(account__number=number).values_list("vat_rate", flat=True)) == {
            "8"
        }, number
    owner = Charge.objects.filter(account__number="2001")
    assert set(
        owner.filter(component__code__in=["management", "repair_fund"]).values_list(
            "vat_rate", flat=True
        )
    ) == {"np"}
    # the contract's own payment day, or the next working day (art. 115 k.c.)
    for charge in Charge.objects.filter(account__number="1005"):
        assert charge.due_date == deadline(charge.period.replace(day=15))


def test_demo_billing_twice_adds_nothing():
    seed()
    before = counts()
    seed()
    assert counts() == before


def test_scale_history_in_bulk():
    today = datetime.date(2026, 11, 25)
    accounts = [AccountFactory(valid_from=datetime.date(2016, 1, 1)) for _ in range(3)]
    ids = [a.pk for a in accounts]
    result = seed_billing_scale(ids, months=6, today=today)
    # rent, water and waste for 3 accounts over 6 months
    assert result["charges"] == Charge.objects.count() == 3 * 3 * 6
    assert result["fees"] == Fee.objects.count()
    assert set(Charge.objects.values_list("period", flat=True)) == {
        months_back(datetime.date(2026, 11, 1), n) for n in range(6)
    }
    # amounts as the fee computes them
    for charge in Charge.objects.select_related("account__premises"):
        fee = Fee.objects.filter(
            account=charge.account, component=charge.component, valid_from__lte=charge.period
        ).order_by("-valid_from")[0]
        assert charge.amount == fee.amount_for(charge.account.premises.floor_area)
    # One a month each (all due dates passed), but every 20th account (by id) is a debtor who
    # left the last two months unpaid.
    assert Payment.objects.count() == sum(6 if pk % SCALE_DEBTOR_EVERY else 4 for pk in ids)
    payer = next((a for a in accounts if a.pk % SCALE_DEBTOR_EVERY), None)
    if payer is not None:
        assert ledger_for_account(payer, today=today).balance == D("0.00")
    before = counts()
    again = seed_billing_scale(ids, months=6, today=today)
    assert again == {"fees": 0, "charges": 0, "payments": 0}
    assert counts() == before


def test_seed_demo_scale_with_history():
    seed("--scale", "3", "--history-months", "2")
    scale = Charge.objects.filter(account__number__startswith="500000")
    assert scale.values("period").distinct().count() == 2
    assert component("rent").charges.filter(account__number="5000001").count() == 2


def test_demo_invoices_are_valid_fa3_with_coherent_dates():
    seed()
    invoices = list(Invoice.objects.select_related("fa3"))
    assert len(invoices) >= 6  # three months of the café and the hairdresser at least
    for invoice in invoices:
        assert fa3_errors(bytes(invoice.fa3.xml)) == [], invoice.number
        assert invoice.ksef_status == "off"  # the demo runs with KSEF_ENV=off
        assert invoice.issue_date <= invoice.due_date, invoice.number
        if invoice.is_correction:  # a water settlement's overpayment, given back today
            assert invoice.issue_date >= invoice.corrects.issue_date
            assert invoice.is_refund
        elif invoice.issue_date != timezone.localdate():  # back-filled by the demo
            # issued on the day its month was charged: never paid before it was issued
            assert invoice.issue_date == invoice.period, invoice.number
