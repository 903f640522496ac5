"""Staff: CSV import of meters, the flagged queue, corrections, missing readings, CSV export."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from messaging.models import Notification
from meters import services
from meters.models import Meter, Reading
from tests.factories import BuildingFactory, PremisesFactory
from tests.meters.factories import MeterFactory, ReadingFactory, WindowFactory

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_bok_group_has_the_meter_permissions(staff):
    bok = Group.objects.get(name="BOK")
    codenames = set(
        bok.permissions.filter(content_type__app_label="meters").values_list("codename", flat=True)
    )
    assert {"add_meter", "change_reading", "add_reading", "view_readingwindow"} <= codenames
    assert staff.has_perm("meters.change_reading")


def import_csv(staff_client, text, encoding="utf-8"):
    upload = io.BytesIO(text.encode(encoding))
    upload.name = "liczniki.csv"
    return staff_client.post(reverse("admin:meters_meter_import"), {"file": upload})


HEADER = "budynek;lokal;rodzaj;numer_seryjny;data_montazu;legalizacja_do;zastepuje\n"


def test_csv_import_creates_meters_and_a_replacement(staff_client):
    premises = PremisesFactory(building=BuildingFactory(street="ul. Śląska 5"), number="12")
    old = MeterFactory(premises=premises, serial_number="STARY-1")
    text = HEADER + (
        "ul. Śląska 5;12;ciepła;C-100;2026-01-15;2031-01-15;\n"
        "ul. Śląska 5;12;zimna;Z-200;15.01.2026;15.01.2031;STARY-1\n"
    )
    response = import_csv(staff_client, text, encoding="cp1250")
    assert response.status_code == 302
    assert set(premises.meters.values_list("serial_number", flat=True)) == {
        "STARY-1",
        "C-100",
        "Z-200",
    }
    old.refresh_from_db()
    assert old.replaced_by.serial_number == "Z-200"
    assert old.removed_on == datetime.date(2026, 1, 15)


def test_a_bad_row_imports_nothing_and_says_which(staff_client):
    PremisesFactory(building=BuildingFactory(street="ul. Śląska 5"), number="12")
    text = HEADER + (
        "ul. Śląska 5;12;zimna;OK-1;2026-01-15;2031-01-15;\n"
        "ul. Śląska 5;99;zimna;OK-2;2026-01-15;2031-01-15;\n"
        "ul. Śląska 5;12;gorąca;OK-3;2026-13-01;2031-01-15;\n"
    )
    response = import_csv(staff_client, text)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Row 3: no premises 99 at ul. Śląska 5" in page
    assert "Row 4: the kind must be zimna or ciepła" in page
    assert "installation date" in page
    assert not Meter.objects.exists()


def test_a_file_without_the_header_is_refused(staff_client):
    response = import_csv(staff_client, "a;b;c\n1;2;3\n")
    assert "The first row must be the header" in response.content.decode()


def test_flagged_queue_and_the_accept_action(staff_client, owner, meter, window, today):
    ReadingFactory(meter=meter, value=D("100"), read_on=today - datetime.timedelta(days=30))
    flagged = services.reading_submit(
        user=owner, meter=meter, value=D("1000"), read_on=today, confirmed=True
    )
    changelist = reverse("admin:meters_reading_changelist")
    page = staff_client.get(changelist + "?status__exact=flagged").content.decode()
    assert "1000" in page
    response = staff_client.post(
        changelist, {"action": "accept", "_selected_action": [flagged.pk]}, follow=True
    )
    assert response.status_code == 200
    flagged.refresh_from_db()
    assert flagged.status == "accepted"


def test_posted_readings_are_read_only_in_admin(staff_client, meter):
    reading = ReadingFactory(meter=meter)
    url = reverse("admin:meters_reading_change", args=[reading.pk])
    staff_client.post(url, {"value": "1", "read_on": "2020-01-01"})
    reading.refresh_from_db()
    assert reading.value == D("100.000")
    assert staff_client.get(reverse("admin:meters_reading_add")).status_code == 403


def test_correction_form(staff_client, owner, meter, window, today):
    ReadingFactory(meter=meter, value=D("100"), read_on=today - datetime.timedelta(days=30))
    wrong = services.reading_submit(
        user=owner, meter=meter, value=D("1000"), read_on=today, confirmed=True
    )
    url = reverse("admin:meters_reading_correct", args=[wrong.pk])
    response = staff_client.post(url, {"value": "50", "read_on": today.isoformat(), "reason": "x"})
    assert "lower than the previous one" in response.content.decode()
    response = staff_client.post(
        url, {"value": "104,5", "read_on": today.isoformat(), "reason": "Ze zdjęcia"}
    )
    assert response.status_code == 302
    assert Reading.objects.get(correction_of=wrong).value == D("104.5")
    assert Notification.objects.filter(user=owner, body__contains="Ze zdjęcia").exists()


def test_staff_enter_a_reading_outside_any_window(staff_client, meter, today):
    response = staff_client.post(
        reverse("admin:meters_reading_enter"),
        {"meter": meter.pk, "value": "12,5", "read_on": today.isoformat(), "reason": "wizyta"},
    )
    assert response.status_code == 302
    assert Reading.objects.get(meter=meter).source == "staff"


def test_missing_readings_and_the_csv_export(staff_client, owner, account, today):
    window = WindowFactory(starts_on=today - datetime.timedelta(days=3), ends_on=today)
    read = MeterFactory(premises=account.premises, serial_number="R-1")
    missing = MeterFactory(premises=account.premises, serial_number="M-1", kind="hot")
    MeterFactory(serial_number="GONE-1", removed_on=today - datetime.timedelta(days=30))
    ReadingFactory(meter=read, value=D("90.5"), read_on=today - datetime.timedelta(days=60))
    ReadingFactory(meter=read, value=D("95.25"), read_on=today - datetime.timedelta(days=1))
    page = staff_client.get(reverse("admin:meters_readingwindow_missing", args=[window.pk]))
    assert list(page.context["meters"]) == [missing]
    response = staff_client.get(reverse("admin:meters_readingwindow_export", args=[window.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["budynek", "lokal", "rodzaj", "numer_seryjny", "data_odczytu"]
    by_serial = {row[3]: row for row in rows[1:]}
    assert set(by_serial) == {"R-1", "M-1"}
    assert by_serial["R-1"][5:10] == [
        "95,250",
        (today - datetime.timedelta(days=60)).isoformat(),
        "90,500",
        "4,750",
        "accepted",
    ]
    assert by_serial["M-1"][9] == "missing"


def test_a_resident_cannot_open_the_staff_views(client, owner):
    window = WindowFactory()
    client.force_login(owner)
    response = client.get(reverse("admin:meters_readingwindow_export", args=[window.pk]))
    assert response.status_code == 302  # to the admin login
