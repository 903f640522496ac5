"""Issuing invoices: the hand-computed VAT of a multi-rate month, gap-free numbers, one invoice
per account and month, one notice, corrections with before / after / difference."""

import datetime
from decimal import Decimal as D

import pytest

from accounts.models import Account
from billing.invoices import vat as invoice_vat
from billing.invoices.services import (
    InvoiceError,
    current_lines,
    invoice_correct,
    invoice_issue_for_month,
    invoices_issue_for_month,
    invoices_issue_for_run,
)
from billing.invoices.words import amount_in_words
from billing.ledger.charge_run import charge_run_execute
from billing.models import ChargeRun, Invoice, InvoiceCounter
from messaging.models import Notification
from tests.billing.factories import FeeFactory, component
from tests.billing.invoice_factories import (
    BUYER_NIP,
    DUE,
    PERIOD,
    commercial_access,
    commercial_account_with_charges,
    month_charges,
)

pytestmark = pytest.mark.django_db
ISSUED = datetime.date(2026, 10, 25)


@pytest.fixture
def tenant():
    return commercial_access()


@pytest.fixture
def account(tenant):
    month_charges(tenant.account)
    return tenant.account


def issue(account, **kwargs):
    return invoice_issue_for_month(account=account, period=PERIOD, issue_date=ISSUED, **kwargs)


def rates(invoice, state="total"):
    return {r.vat_rate: (r.net, r.vat, r.gross) for r in invoice.rate_totals.filter(state=state)}


def test_hand_computed_multi_rate_invoice(account, settings):
    invoice = issue(account)
    # VAT on each rate's gross total, half up (art. 106e ust. 8: G × r / (100 + r)):
    # 23%: rent 3 326.40 × 23 / 123 = 622.0097… → 622.01; net 3 326.40 − 622.01 = 2 704.39
    # 8%:  water 120.00 × 8 / 108 = 8.888… → 8.89; net 111.11
    # zw:  50.00 (net = gross); the contractual penalty (np) is no supply and is not invoiced.
    assert rates(invoice) == {
        "23": (D("2704.39"), D("622.01"), D("3326.40")),
        "8": (D("111.11"), D("8.89"), D("120.00")),
        "zw": (D("50.00"), D("0.00"), D("50.00")),
    }
    lines = list(invoice.lines.order_by("position"))
    assert [(line.net_value, line.vat_rate) for line in lines] == [
        (D("2704.39"), "23"),
        (D("111.11"), "8"),
        (D("50.00"), "zw"),
    ]
    assert lines[0].quantity == D("86.400")
    assert lines[0].unit == "m²"
    # 2 704.39 / 86.4 = 31.30081…; 31.30 × 86.4 = 2 704.32 and 31.301 × 86.4 = 2 704.41 miss
    # the net, 31.3008 × 86.4 = 2 704.389 → 2 704.39 gives it back: four places.
    assert lines[0].unit_net_price == D("31.3008")
    assert D("86.400") * lines[0].unit_net_price == D("2704.38912")
    # net 2 704.39 + 111.11 + 50.00 = 2 865.50; VAT 622.01 + 8.89 = 630.90; due 3 496.40
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        D("2865.50"),
        D("630.90"),
        D("3496.40"),
    )
    assert invoice.exemption_basis.startswith("art. 43 ust. 1 pkt 36")
    # The invoice asks exactly what the ledger asks for the supplies (all but the np penalty).
    assert invoice.gross_total == sum(c.amount for c in account.charges.exclude(vat_rate="np"))
    assert invoice.number == "FV/2026/10/0001"
    assert (invoice.issue_date, invoice.sale_date, invoice.due_date) == (
        ISSUED,
        datetime.date(2026, 11, 30),
        DUE,
    )
    assert invoice.seller_nip == settings.MANAGER_NIP
    assert invoice.buyer_nip == BUYER_NIP
    assert invoice.bank_account == account.virtual_nrb
    assert invoice.buyer_name == "Kawiarnia Pod Ratuszem sp. z o.o."


@pytest.mark.parametrize(
    ("gross", "rate", "vat"),
    [
        ("100.00", "23", "18.70"),  # 18.699… → 18.70
        ("123.00", "23", "23.00"),
        ("0.05", "23", "0.01"),  # 0.00935 → 0.01
        ("108.00", "8", "8.00"),
        ("10.50", "5", "0.50"),
        ("100.00", "zw", "0.00"),
        ("100.00", "np", "0.00"),
        ("100.00", "0", "0.00"),
    ],
)
def test_vat_per_rate_is_taken_from_the_rate_total_half_up(gross, rate, vat):
    line = invoice_vat.Line("x", D(1), "szt.", D(gross), rate)
    (total,) = invoice_vat.compute([line]).rates
    assert total.vat == D(vat)
    assert total.net + total.vat == D(gross)


def test_vat_is_computed_on_the_rate_total_not_summed_per_line():
    # Three lines of 0.05 zł at 23%: per line 0.01 VAT each (0.03); on the total 0.15 → 0.03;
    # ten lines of 0.10: per line 0.02 each = 0.20, on the total 1.00 × 23/123 = 0.19.
    lines = [invoice_vat.Line(f"l{i}", D(1), "szt.", D("0.10"), "23") for i in range(10)]
    computed = invoice_vat.compute(lines)
    assert computed.vat == D("0.19")
    assert sum(line.net for line in computed.lines) == computed.net == D("0.81")


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("3496.40", "trzy tysiące czterysta dziewięćdziesiąt sześć złotych 40/100"),
        ("1.01", "jeden złoty 01/100"),
        ("22.00", "dwadzieścia dwa złote 00/100"),
        ("112.99", "sto dwanaście złotych 99/100"),
        ("1000000.00", "milion złotych 00/100"),
    ],
)
def test_amount_in_polish_words(amount, words):
    assert amount_in_words(D(amount)) == words


def test_issuing_twice_gives_the_same_invoice_and_one_notice(account, tenant):
    first = issue(account)
    second = issue(account)
    assert first.pk == second.pk
    assert Invoice.objects.count() == 1
    (notice,) = Notification.objects.filter(user=tenant.user)
    assert first.number in notice.subject
    assert notice.link == "/faktury/"
    first.refresh_from_db()
    assert first.notified_at is not None


def test_numbers_are_sequential_per_month_and_series(tenant):
    accounts = [tenant.account] + [commercial_access(f"firma{i}").account for i in range(3)]
    for account in accounts:
        month_charges(account)
    numbers = [issue(account).number for account in accounts[:3]]
    assert numbers == ["FV/2026/10/0001", "FV/2026/10/0002", "FV/2026/10/0003"]
    november = invoice_issue_for_month(
        account=accounts[3], period=PERIOD, issue_date=datetime.date(2026, 11, 2)
    )
    assert november.number == "FV/2026/11/0001"
    assert InvoiceCounter.objects.get(series="FV", year=2026, month=10).last_number == 3


def test_a_refused_invoice_does_not_use_a_number(tenant, account):
    empty = commercial_access("pusta").account  # no charges
    with pytest.raises(InvoiceError):
        issue(empty)
    assert issue(account).number == "FV/2026/10/0001"


def test_only_commercial_leases_get_invoices(owner):
    account = owner.account_accesses.get().account
    month_charges(account)
    with pytest.raises(InvoiceError):
        issue(account)
    assert not Invoice.objects.exists()


def test_buyer_without_nip_is_allowed_an_invalid_one_is_refused(account):
    Account.objects.filter(pk=account.pk).update(holder_nip="")
    account.refresh_from_db()
    assert issue(account).buyer_nip == ""
    other = commercial_access("zlynip").account
    month_charges(other)
    Account.objects.filter(pk=other.pk).update(holder_nip="1234567890")
    other.refresh_from_db()
    with pytest.raises(InvoiceError, match="NIP"):
        issue(other)


def test_charge_corrections_are_folded_into_the_line(account):
    from billing.ledger.services import charge_correct

    water = account.charges.get(title__startswith="Woda")
    charge_correct(charge=water, new_amount=D("100.00"), reason="odczyt", clerk=None)
    invoice = issue(account)
    assert invoice.gross_total == D("3476.40")  # 3 496.40 − 20.00
    assert invoice.lines.get(description__startswith="Woda").gross_value == D("100.00")


def test_snapshot_does_not_follow_the_register(account):
    invoice = issue(account)
    Account.objects.filter(pk=account.pk).update(holder_name="Nowa nazwa sp. z o.o.")
    invoice.refresh_from_db()
    assert invoice.buyer_name == "Kawiarnia Pod Ratuszem sp. z o.o."


def test_correction_shows_before_after_and_difference(account, tenant, staff):
    invoice = issue(account)
    lines = current_lines(invoice)
    # The water advance (8%) should have been 60.00.
    after = [
        lines[0],
        invoice_vat.Line(lines[1].description, D(1), "mies.", D("60.00"), "8", lines[1].charge_id),
        lines[2],
    ]
    correction = invoice_correct(
        invoice=invoice,
        lines_after=after,
        reason="Błędna zaliczka",
        clerk=staff,
        issue_date=datetime.date(2026, 11, 5),
    )
    assert correction.number == "FK/2026/11/0001"
    assert correction.corrects == invoice
    assert correction.kind == "correction"
    assert rates(correction, "before")["8"] == (D("111.11"), D("8.89"), D("120.00"))
    # after: 60.00 at 8% → VAT 60 × 8 / 108 = 4.444… → 4.44, net 55.56
    assert rates(correction, "after")["8"] == (D("55.56"), D("4.44"), D("60.00"))
    assert rates(correction, "difference") == {
        "23": (D("0.00"), D("0.00"), D("0.00")),
        "8": (D("-55.55"), D("-4.45"), D("-60.00")),
        "zw": (D("0.00"), D("0.00"), D("0.00")),
    }
    assert correction.gross_total == D("-60.00")
    assert correction.is_refund
    assert correction.lines.filter(state="before").count() == 3
    assert correction.lines.filter(state="after").count() == 3
    # A second correction starts from the first one's "after".
    assert [line.gross for line in current_lines(invoice)] == [D("3326.40"), D("60.00"), D("50.00")]
    assert Notification.objects.filter(user=tenant.user).count() == 2


def test_correction_needs_a_reason_a_change_and_an_original(account, staff):
    invoice = issue(account)
    lines = current_lines(invoice)
    with pytest.raises(InvoiceError):
        invoice_correct(invoice=invoice, lines_after=lines, reason=" ", clerk=staff)
    with pytest.raises(InvoiceError):
        invoice_correct(invoice=invoice, lines_after=lines, reason="nic", clerk=staff)
    correction = invoice_correct(invoice=invoice, lines_after=lines[:1], reason="x", clerk=staff)
    with pytest.raises(InvoiceError):
        invoice_correct(invoice=correction, lines_after=lines, reason="x", clerk=staff)
    assert Invoice.objects.count() == 2


def test_charge_run_issues_invoices_with_their_pdfs(
    tenant, eager_tasks, django_capture_on_commit_callbacks
):
    account = tenant.account
    FeeFactory(
        account=account,
        component=component("commercial_rent"),
        unit_price=D("38.50"),
    )
    run = ChargeRun.objects.create(period=PERIOD, due_day=10)
    with django_capture_on_commit_callbacks(execute=True):
        charge_run_execute(run_id=run.pk)
    invoice = Invoice.objects.get(account=account)
    assert invoice.gross_total == D("3326.40")
    assert invoice.period == PERIOD
    assert invoice.pdf_status == "done"
    assert invoice.pdf_file.name.endswith(".pdf")
    assert invoices_issue_for_run(run_id=run.pk) == 0  # a second delivery adds nothing
    assert Invoice.objects.count() == 1


def test_month_issue_skips_other_kinds_and_reports_refusals(account, owner):
    month_charges(owner.account_accesses.get().account)  # a municipal tenancy: no invoice
    broken = commercial_access("zlynip").account
    month_charges(broken)
    Account.objects.filter(pk=broken.pk).update(holder_nip="1234567890")
    issued, refused = invoices_issue_for_month(period=PERIOD)
    assert issued == 1
    assert len(refused) == 1
    assert list(Invoice.objects.values_list("account_id", flat=True)) == [account.pk]


def test_owner_fixture_helper_makes_a_commercial_account(owner):
    account = commercial_account_with_charges(owner)
    assert account.kind == Account.Kind.COMMERCIAL_LEASE
    assert account.charges.count() == 4
