"""Water settlement end to end: preview, posting into the ledger, idempotence, correction,
new advances, the resident's pages and PDF, access. Figures computed by hand."""

import io
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from lxml import etree
from pypdf import PdfReader

from billing.invoices.fa3.build import NS as FA3
from billing.invoices.fa3.schema import fa3_errors
from billing.invoices.models import Invoice
from billing.invoices.services import current_lines, invoice_issue_for_month
from billing.ledger.models import Charge, Component, Fee, LedgerTotal, Payment
from billing.water import jobs, services
from billing.water.models import Settlement, SettlementJob, SettlementPlan, WaterTariff
from billing.water.tasks import water_settlement_pdf_render, water_settlement_pdfs_render_run
from messaging.models import Notification
from tests.billing.factories import ChargeFactory, water_part_of_the_rent
from tests.factories import AccessFactory, AccountFactory, BuildingFactory, PremisesFactory
from tests.meters.factories import MeterFactory, ReadingFactory

pytestmark = pytest.mark.django_db

H1 = date(2026, 1, 1)


@pytest.fixture
def building():
    building = BuildingFactory(street="ul. Głęboka 15")
    plan = SettlementPlan.objects.create(building=building, months=6, first_day=H1, due_days=14)
    water = Component.objects.get(code="water_sewage")
    plan.advance_components.add(water)
    # The flats here are settled without VAT (their water is part of the exempt rent); a
    # lease's water is 8%.
    water_part_of_the_rent()
    WaterTariff.objects.create(
        valid_from=date(2025, 1, 1), water_price=D("6.50"), sewage_price=D("8.20")
    )
    WaterTariff.objects.create(
        valid_from=date(2026, 4, 2), water_price=D("7.10"), sewage_price=D("8.90")
    )
    return building


def premises_with_meters(building, cold_end, hot_end, number="1"):
    premises = PremisesFactory(building=building, number=number)
    cold = MeterFactory(premises=premises, kind="cold")
    hot = MeterFactory(premises=premises, kind="hot")
    ReadingFactory(meter=cold, value=D("100"), read_on=date(2025, 12, 31))
    ReadingFactory(meter=hot, value=D("50"), read_on=date(2025, 12, 31))
    if cold_end is not None:
        ReadingFactory(meter=cold, value=cold_end, read_on=date(2026, 6, 30))
    if hot_end is not None:
        ReadingFactory(meter=hot, value=hot_end, read_on=date(2026, 6, 30))
    return premises, cold, hot


def advances(account, monthly, vat_rate="zw"):
    component = Component.objects.get(code="water_sewage")
    for month in range(1, 7):
        ChargeFactory(
            account=account,
            component=component,
            amount=monthly,
            period=date(2026, month, 1),
            due_date=date(2026, month, 10),
            title=f"Zaliczka na wodę {month:02d}/2026",
            vat_rate=vat_rate,
        )


def balance(account):
    total = LedgerTotal.objects.get(account=account)
    return D(total.paid - total.charged) / 100


@pytest.fixture
def clerk():
    from tests.factories import StaffFactory

    return StaffFactory(is_superuser=True)


def test_an_underpaid_account_gets_a_charge_of_exactly_the_difference(building, clerk):
    premises, _cold, _hot = premises_with_meters(building, D("136.2"), D("68.1"))
    account = AccountFactory(premises=premises)
    AccessFactory(account=account)
    advances(account, D("120.00"))  # 6 × 120,00 = 720,00
    run = services.run_create(building=building, period_start=date(2026, 3, 3), clerk=clerk)
    assert (run.period_start, run.period_end) == (H1, date(2026, 6, 30))
    (row,) = services.compute(run)
    # 36,2 + 18,1 = 54,3 m³; 27,300 × 14,70 = 401,31 + 27,000 × 16,00 = 432,00 → 833,31 (exempt)
    assert (row.used, row.net, row.vat, row.gross) == (D("54.3"), D("833.31"), 0, D("833.31"))
    assert (row.advances, row.difference) == (D("720.00"), D("113.31"))
    before = balance(account)  # −720,00: the advances charged, nothing paid

    assert services.run_post(run=run, clerk=clerk) == 1
    document = Settlement.objects.get(account=account)
    assert document.number == f"RW/2026/01/{account.number}"
    assert document.charge.amount == D("113.31")
    assert document.charge.due_date == timezone.localdate() + timedelta(days=14)
    assert balance(account) == before - D("113.31")
    # 0,3 m³ a day (54,3 / 181) × 365/12 = 9,125 m³ at 16,00 = 146,00 zł a month
    assert document.new_advance == D("146.00")
    notice = Notification.objects.get(user=account.accesses.get().user)
    assert "113,31 zł" in notice.body
    assert "do zapłaty" in notice.body

    # Posting again posts nothing twice.
    assert services.run_post(run=run, clerk=clerk) == 0
    assert Settlement.objects.count() == 1
    assert balance(account) == before - D("113.31")


def test_an_overpaid_account_is_credited(building, clerk):
    premises, _cold, _hot = premises_with_meters(building, D("136.2"), D("68.1"))
    account = AccountFactory(premises=premises)
    advances(account, D("150.00"))  # 900,00 − 833,31 = 66,69 overpaid
    run = services.run_create(building=building, period_start=H1, clerk=clerk)
    services.run_post(run=run, clerk=clerk)
    document = Settlement.objects.get(account=account)
    assert document.difference == D("-66.69")
    assert document.charge is None
    assert (document.credit.amount, document.credit.method) == (D("66.69"), "settlement")
    assert balance(account) == D("-900.00") + D("66.69")


def test_a_commercial_premises_pays_8_percent_vat(building, clerk):
    premises, _cold, _hot = premises_with_meters(building, D("136.2"), D("68.1"))
    account = AccountFactory(premises=premises, kind="commercial_lease")
    # 8% comes from the water component's VAT rule for commercial leases (migration 0011)
    Fee.objects.create(
        account=account,
        component=Component.objects.get(code="water_sewage"),
        basis="fixed",
        unit_price=D("140.00"),
        valid_from=date(2026, 1, 1),
    )
    advances(account, D("140.00"), vat_rate="8")  # 840,00
    run = services.run_create(building=building, period_start=H1, clerk=clerk)
    (row,) = services.compute(run)
    # 833,31 net + 8% = 66,6648 → 66,66 VAT; 899,97 gross; 899,97 − 840,00 = 59,97 to pay
    assert (row.vat_rate, row.vat, row.gross, row.difference) == (
        "8",
        D("66.66"),
        D("899.97"),
        D("59.97"),
    )
    # 9,125 m³ × 16,00 = 146,00 net + 8% = 157,68 a month
    assert row.new_advance == D("157.68")


def commercial_with_invoiced_advances(building, monthly):
    """A café with its six monthly water advances (8%) invoiced, one invoice a month."""
    premises, _cold, _hot = premises_with_meters(building, D("136.2"), D("68.1"))
    account = AccountFactory(premises=premises, kind="commercial_lease", holder_nip="")
    advances(account, monthly, vat_rate="8")
    for month in range(1, 7):
        invoice_issue_for_month(
            account=account, period=date(2026, month, 1), issue_date=date(2026, month, 1)
        )
    return account


def invoiced_charge(charge):
    """A charge with its ledger corrections folded in."""
    return charge.amount + sum(c.amount for c in Charge.objects.filter(corrects=charge))


def fa3_field(invoice, name):
    xml = bytes(Invoice.objects.get(pk=invoice.pk).fa3.xml)
    assert fa3_errors(xml) == []
    return [e.text for e in etree.fromstring(xml).iter(f"{{{FA3}}}{name}")]


def test_a_commercial_settlement_owing_more_gets_a_settlement_invoice(building, clerk):
    account = commercial_with_invoiced_advances(building, D("140.00"))  # 840,00 invoiced
    run = services.run_create(building=building, period_start=H1, clerk=clerk)
    services.run_post(run=run, clerk=clerk)
    document = Settlement.objects.get(account=account)
    assert document.difference == D("59.97")  # 899,97 − 840,00
    (invoice,) = document.invoices.all()
    assert invoice.kind == "settlement"
    assert invoice.gross_total == D("59.97")
    # 59,97 × 8/108 = 4,4422… → VAT 4,44, net 55,53
    assert (invoice.net_total, invoice.vat_total) == (D("55.53"), D("4.44"))
    (line,) = invoice.lines.all()
    assert line.description == (
        "Woda i ścieki 01.01.2026–30.06.2026: zużyto 54,300 m³ za 899,97 zł, "
        "po odjęciu zafakturowanych zaliczek 840,00 zł"
    )
    assert line.charge == document.charge
    assert fa3_field(invoice, "P_6_Od") == ["2026-01-01"]
    assert fa3_field(invoice, "P_6_Do") == ["2026-06-30"]
    assert fa3_field(invoice, "P_13_2") == ["55.53"]
    assert fa3_field(invoice, "P_15") == ["59.97"]
    # The document states what the invoices carry: six advances of 140,00 at net 129,63
    # (129,63 × 8% = 10,3704 → 10,37, 140,00) = net 777,78, VAT 62,22; plus 55,53 / 4,44:
    # net 833,31, VAT 66,66, gross 899,97, the same as VAT on the period's net here.
    assert (document.net, document.vat, document.gross) == (D("833.31"), D("66.66"), D("899.97"))
    assert document.invoice_rounding == 0
    # Correcting the settlement corrects its invoice to nothing, and invoices the new one.
    new = services.settlement_correct(document=document, reason="Odczyt poprawiony", clerk=clerk)
    (undo,) = Invoice.objects.filter(corrects=invoice)
    assert undo.gross_total == D("-59.97")
    assert [i.kind for i in new.invoices.all()] == ["settlement"]


def test_a_commercial_overpayment_corrects_the_advance_invoices(building, clerk):
    account = commercial_with_invoiced_advances(building, D("160.00"))  # 960,00 invoiced
    run = services.run_create(building=building, period_start=H1, clerk=clerk)
    services.run_post(run=run, clerk=clerk)
    document = Settlement.objects.get(account=account)
    assert document.difference == D("-60.03")  # 899,97 − 960,00
    (correction,) = document.invoices.all()
    june = Invoice.objects.get(account=account, period=date(2026, 6, 1), kind="invoice")
    assert correction.corrects == june
    assert correction.is_refund
    # June's advance 160,00 → 99,97, VAT on the net at 8%: before net 160 × 100/108 = 148,15,
    # VAT 148,15 × 8% = 11,852 → 11,85 (= 160,00); after net 99,97 × 100/108 = 92,56, VAT
    # 92,56 × 8% = 7,4048 → 7,40, gross 99,96 (92,57 would give 92,57 + 7,41 = 99,98, so 99,97
    # cannot be reached: the tenant gets the grosz); difference net 92,56 − 148,15 = −55,59,
    # VAT 7,40 − 11,85 = −4,45, gross 99,96 − 160,00 = −60,04
    difference = correction.rate_totals.get(state="difference")
    assert (difference.net, difference.vat, difference.gross) == (
        D("-55.59"),
        D("-4.45"),
        D("-60.04"),
    )
    assert fa3_field(correction, "RodzajFaktury") == ["KOR"]
    # the grosz is in the ledger too: June's charge 160,00 − 0,01, less the credit 60,03
    # = 99,96, what the corrected invoice says
    june_charge = june.lines.get(state="line").charge
    assert june.lines.get(state="line").gross_value == D("160.00")
    assert invoiced_charge(june_charge) == D("159.99")
    assert invoiced_charge(june_charge) - document.credit.amount == D("99.96")
    # The document states the VAT invoiced, not VAT on the period's net: five advances of
    # 160,00 (net 148,15, VAT 11,85) and June now 99,96 (net 92,56, VAT 7,40):
    # net 5 × 148,15 + 92,56 = 833,31; VAT 5 × 11,85 + 7,40 = 66,65; gross 899,96.
    # VAT on the period's net would be 833,31 × 8% = 66,6648 → 66,66 (gross 899,97): the
    # invoices say 66,65, and the document must agree with them.
    assert (document.net, document.vat, document.gross) == (D("833.31"), D("66.65"), D("899.96"))
    # and it reconciles: 960,00 advances − 60,03 credited = 899,97; the invoices 899,96
    assert document.invoice_rounding == D("-0.01")
    # Corrected settlement: the credit is put back on June's invoice, the new one given again.
    new = services.settlement_correct(document=document, reason="Odczyt poprawiony", clerk=clerk)
    restore, again = Invoice.objects.filter(corrects=june).order_by("pk")[1:]
    # what the ledger gave back, 60,03, is put back: 99,96 + 60,03 = 159,99, reached exactly
    # (net 159,99 × 100/108 = 148,14, VAT 148,14 × 8% = 11,8512 → 11,85)
    assert restore.gross_total == D("60.03")
    # the new settlement counts the advances as the ledger asks them: 960,00 − 0,01 = 959,99,
    # so it credits 899,97 − 959,99 = −60,02; June 159,99 − 60,02 = 99,97 cannot be reached
    # again, so the invoice says 99,96 and the ledger gets a second grosz
    assert new.difference == D("-60.02")
    assert again.gross_total == D("-60.03")  # 99,96 − 159,99
    assert [line.gross for line in current_lines(june)][0] == D("99.96")
    # ledger: 160,00 − 0,01 − 0,01 = 159,98, less the new credit 60,02 = 99,96: the invoice
    assert invoiced_charge(june_charge) - new.credit.amount == D("99.96")
    # the new document: the same invoices' figures, 959,99 − 60,02 = 899,97 against 899,96
    assert (new.net, new.vat, new.gross, new.invoice_rounding) == (
        D("833.31"),
        D("66.65"),
        D("899.96"),
        D("-0.01"),
    )


def test_an_estimate_is_marked_and_a_correction_reverses_and_reposts(building, clerk):
    premises, cold, hot = premises_with_meters(building, None, D("68.1"))
    ReadingFactory(meter=cold, value=D("78.5"), read_on=date(2025, 5, 31))
    ReadingFactory(meter=cold, value=D("115"), read_on=date(2026, 5, 31))
    account = AccountFactory(premises=premises)
    advances(account, D("100.00"))  # 600,00
    run = services.run_create(building=building, period_start=H1, clerk=clerk)
    services.run_post(run=run, clerk=clerk)
    document = Settlement.objects.get(account=account)
    # cold: 0,1 m³ a day from 31 May → 118,000 estimated; 18,0 + 18,1 = 36,1 m³
    # 36,1 × 91/181 = 18,150 × 14,70 = 266,81; 17,950 × 16,00 = 287,20 → 554,01 − 600 = −45,99
    assert document.estimated
    assert document.used == D("36.100")
    assert document.difference == D("-45.99")
    cold_row = next(m for m in document.meters if m["kind"] == "cold")
    assert (cold_row["end_value"], cold_row["end_source"]) == ("118.000", "estimated")

    # The real reading of 30 June arrives late: 120,0. The correction reverses the credit
    # and posts the new figure: 20,0 + 18,1 = 38,1 m³;
    # 38,1 × 91/181 = 19,155 × 14,70 = 281,58; 18,945 × 16,00 = 303,12 → 584,70 − 600 = −15,30
    ReadingFactory(meter=cold, value=D("120"), read_on=date(2026, 6, 30))
    corrected = services.settlement_correct(document=document, reason="Odczyt", clerk=clerk)
    assert corrected.corrects == document
    assert corrected.number.endswith("/K1")
    assert (corrected.estimated, corrected.difference) == (False, D("-15.30"))
    reversal = Payment.objects.get(corrects=document.credit)
    assert reversal.amount == D("45.99") * -1
    assert balance(account) == D("-600.00") + D("15.30")
    with pytest.raises(services.SettlementError):
        services.settlement_correct(document=document, reason="again", clerk=clerk)


def test_new_advances_replace_the_fee_from_the_chosen_month(building, clerk):
    premises, _cold, _hot = premises_with_meters(building, D("136.2"), D("68.1"))
    account = AccountFactory(premises=premises)
    old = Fee.objects.create(
        account=account,
        component=Component.objects.get(code="water_sewage"),
        basis="per_person",
        unit_price=D("42.80"),
        quantity=D(3),
        valid_from=date(2025, 1, 1),
    )
    run = services.run_create(building=building, period_start=H1, clerk=clerk)
    services.run_post(run=run, clerk=clerk)
    assert services.advances_apply(run=run, from_month=date(2026, 8, 1), clerk=clerk) == 1
    old.refresh_from_db()
    assert old.valid_to == date(2026, 7, 31)
    new = Fee.objects.get(account=account, valid_from=date(2026, 8, 1))
    assert (new.basis, new.unit_price, new.valid_to) == ("fixed", D("146.00"), None)
    # A second submit one after the other is refused and changes nothing.
    with pytest.raises(services.SettlementError, match="01.08.2026"):
        services.advances_apply(run=run, from_month=date(2026, 8, 1), clerk=clerk)
    assert Fee.objects.filter(account=account, valid_to__isnull=True).count() == 1


def test_the_resident_reads_the_settlement_and_downloads_its_pdf(building, clerk, client):
    premises, _cold, _hot = premises_with_meters(building, D("136.2"), D("68.1"))
    account = AccountFactory(premises=premises)
    access = AccessFactory(account=account)
    advances(account, D("120.00"))
    run = services.run_create(building=building, period_start=H1, clerk=clerk)
    services.run_post(run=run, clerk=clerk)
    document = Settlement.objects.get(account=account)
    client.force_login(access.user)
    listing = client.get(reverse("billing:water")).content.decode()
    assert document.number in listing
    assert "113,31" in listing
    page = client.get(reverse("billing:water_detail", args=[document.pk])).content.decode()
    # volumes with the decimals they have (54,3 m³, not 54,300), money with two
    for shown in (
        "54,3<",
        "27,3<",
        ">27<",
        "401,31",
        "432,00",
        "833,31",
        "720,00",
        "113,31",
        "146,00",
    ):
        assert shown in page, shown
    water_settlement_pdfs_render_run(run.pk)  # the worker's part after posting (done if eager)
    document.refresh_from_db()
    assert document.pdf_status == "done"
    assert water_settlement_pdf_render(document.pk) == "skipped"  # never twice
    response = client.get(reverse("billing:water_pdf", args=[document.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.content)).pages
    )
    assert document.number in text
    assert "113,31 zł" in text
    assert "833,31 zł" in text


def test_a_stranger_gets_404(building, clerk, client):
    premises, _cold, _hot = premises_with_meters(building, D("136.2"), D("68.1"))
    account = AccountFactory(premises=premises)
    run = services.run_create(building=building, period_start=H1, clerk=clerk)
    services.run_post(run=run, clerk=clerk)
    document = Settlement.objects.get(account=account)
    client.force_login(AccessFactory().user)
    for name in ("billing:water_detail", "billing:water_pdf"):
        assert client.get(reverse(name, args=[document.pk])).status_code == 404
    assert document.number not in client.get(reverse("billing:water")).content.decode()
    assert mail.outbox == [] or all(document.number not in m.body for m in mail.outbox)


@pytest.mark.usefixtures("eager_tasks")  # the job/render runs in the test
def test_the_clerk_previews_exports_and_posts_in_admin(
    building, clerk, client, django_capture_on_commit_callbacks
):
    premises, _cold, _hot = premises_with_meters(building, D("136.2"), D("68.1"))
    account = AccountFactory(premises=premises)
    advances(account, D("120.00"))
    client.force_login(clerk)
    with django_capture_on_commit_callbacks(execute=True):  # eager: the job runs here
        response = client.post(reverse("admin:billing_settlementrun_add"),
                               {"building": building.pk, "day": "2026-05-05"})
    job = SettlementJob.objects.get()
    assert response["Location"] == reverse("admin:billing_settlementjob_change", args=[job.pk])
    job_page = client.get(response["Location"]).content.decode()
    assert "1 z 1" in job_page  # 1 of 1 accounts done
    assert 'http-equiv="refresh"' not in job_page  # finished: no more refreshing
    run_url = reverse("admin:billing_settlementrun_preview", args=[job.run_id])
    assert run_url in job_page
    page = client.get(run_url).content.decode()
    assert account.number in page
    assert "113,31" in page
    assert "nie zaksięgowano" in page.lower()
    csv_response = client.get(run_url.replace("podglad/", "podglad.csv"))
    assert "113,31" in csv_response.content.decode("utf-8-sig")
    assert not Charge.objects.filter(component__code="water_settlement").exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(run_url.replace("podglad/", "zaksieguj/"))
    assert Charge.objects.get(component__code="water_settlement").amount == D("113.31")


def test_the_preview_says_overpaid_or_to_pay_in_two_columns(building, clerk, client):
    short, _cold, _hot = premises_with_meters(building, D("136.2"), D("68.1"), number="1")
    short_account = AccountFactory(premises=short)
    advances(short_account, D("120.00"))  # 833,31 − 6 × 120,00 = 113,31 to pay
    over, _cold, _hot = premises_with_meters(building, D("136.2"), D("68.1"), number="2")
    over_account = AccountFactory(premises=over)
    advances(over_account, D("150.00"))  # 6 × 150,00 − 833,31 = 66,69 overpaid
    run = services.run_create(building=building, period_start=H1, clerk=clerk)
    job = jobs.job_start(kind="preview", scope="run", run=run, clerk=clerk)
    assert jobs.job_run(job.pk) == "done"
    client.force_login(clerk)
    page = client.get(reverse("admin:billing_settlementrun_preview", args=[run.pk]))
    table = etree.HTML(page.content.decode()).find(".//div[@id='content-main']//table")
    headers = ["".join(th.itertext()).strip() for th in table.findall("./thead/tr/th")]
    assert headers[5:7] == ["Nadpłata (zł)", "Do dopłaty (zł)"]
    rows = {
        tr.find("th").text: ["".join(td.itertext()).strip() for td in tr.findall("td")]
        for tr in table.findall("./tbody/tr")
    }
    assert rows[short_account.number][4:6] == ["", "113,31"]
    assert rows[over_account.number][4:6] == ["66,69", ""]
    assert "−" not in page.content.decode()
    csv_text = client.get(reverse("admin:billing_settlementrun_csv", args=[run.pk]))
    lines = csv_text.content.decode("utf-8-sig").splitlines()
    assert "Nadpłata (zł);Do dopłaty (zł)" in lines[0]
    by_account = {line.split(";")[0]: line.split(";") for line in lines[1:]}
    assert by_account[short_account.number][9:11] == ["0,00", "113,31"]
    assert by_account[over_account.number][9:11] == ["66,69", "0,00"]


def test_the_tenant_sees_which_invoice_billed_the_settlement(building, clerk, client):
    account = commercial_with_invoiced_advances(building, D("140.00"))
    access = AccessFactory(account=account)
    run = services.run_create(building=building, period_start=H1, clerk=clerk)
    services.run_post(run=run, clerk=clerk)
    document = Settlement.objects.get(account=account)
    (invoice,) = document.invoices.all()
    client.force_login(access.user)
    page = client.get(reverse("billing:water_detail", args=[document.pk])).content.decode()
    assert f'Faktura: <a href="{reverse("billing:invoices")}">{invoice.number}</a>' in page
    listing = client.get(reverse("billing:invoices")).content.decode()
    assert invoice.number in listing
    assert "59,97" in listing


def test_the_tenant_reads_the_vat_as_invoiced_and_the_rounding(building, clerk, client):
    account = commercial_with_invoiced_advances(building, D("160.00"))
    access = AccessFactory(account=account)
    services.run_post(
        run=services.run_create(building=building, period_start=H1, clerk=clerk), clerk=clerk
    )
    document = Settlement.objects.get(account=account)
    client.force_login(access.user)
    page = client.get(reverse("billing:water_detail", args=[document.pk])).content.decode()
    page = page.replace("\xa0", " ")
    # the figures of test_a_commercial_overpayment_corrects_the_advance_invoices
    assert "899,96 zł" in page
    assert "netto 833,31 zł + VAT 8% 66,65 zł" in page
    assert "Netto według taryf" in page
    assert "833,31" in page
    assert "Zaokrąglenie na fakturach" in page
    assert "0,01 zł mniej do zapłaty" in page  # the rounding lowered the account: no sign
    assert "−0,01" not in page
    assert "Nadpłata" in page
    assert "60,03 zł" in page
