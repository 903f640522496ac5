"""The resident's pages: what they show, and that bad input gives a message, not a 500."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core import signing
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from meters.models import Reading
from tests.factories import AccessFactory
from tests.meters.conftest import gps_exif, jpeg_bytes
from tests.meters.factories import MeterFactory, ReadingFactory, WindowFactory

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def form_page(client, meter):
    response = client.get(reverse("meters:submit", args=[meter.pk]))
    assert response.status_code == 200
    return response


def post(client, meter, value, read_on, **extra):
    token = form_page(client, meter).context["form"].initial["token"]
    data = {"value": value, "read_on": read_on.isoformat(), "token": str(token), **extra}
    return client.post(reverse("meters:submit", args=[meter.pk]), data)


def test_index_lists_each_meter_with_its_last_reading(owner_client, account, window, today):
    cold = MeterFactory(premises=account.premises, serial_number="ZIM-77")
    MeterFactory(premises=account.premises, serial_number="CIE-88", kind="hot")
    ReadingFactory(meter=cold, value=D("1234.567"), read_on=datetime.date(2026, 3, 31))
    other = MeterFactory(serial_number="OBCY-1")
    page = owner_client.get(reverse("meters:index")).content.decode()
    assert "ZIM-77" in page
    assert "CIE-88" in page
    assert "1234.567" in page  # English, never grouped: 1 234,567 m³ in Polish
    assert "OBCY-1" not in page
    assert reverse("meters:submit", args=[cold.pk]) in page
    assert other.serial_number not in page


def test_comma_input_is_stored(owner_client, meter, window, today):
    response = post(owner_client, meter, "123,456", today)
    assert response.status_code == 302
    assert response["Location"] == reverse("meters:detail", args=[meter.pk])
    reading = Reading.objects.get(meter=meter)
    assert reading.value == D("123.456")
    page = owner_client.get(response["Location"]).content.decode()
    assert "123.456" in page  # English: a decimal point


def test_the_same_form_posted_twice_stores_one(owner_client, meter, window, today):
    token = form_page(owner_client, meter).context["form"].initial["token"]
    data = {"value": "5,5", "read_on": today.isoformat(), "token": str(token)}
    url = reverse("meters:submit", args=[meter.pk])
    assert owner_client.post(url, data).status_code == 302
    assert owner_client.post(url, data).status_code == 302
    assert Reading.objects.filter(meter=meter).count() == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-3", "cannot be negative"),
        ("abc", "as a number in m³"),
        ("١٢٣", "as a number in m³"),
        ("1e5", "as a number in m³"),
        ("12345678901234", "too large"),
        ("1,2345", "at most 3 decimal places"),
        ("99", "lower than the previous one"),
    ],
)
def test_bad_values_get_a_message_and_store_nothing(
    owner_client, meter, window, today, value, message
):
    ReadingFactory(meter=meter, value=D("100"), read_on=today - datetime.timedelta(days=30))
    response = post(owner_client, meter, value, today)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'class="field-error"' in response.content.decode()
    assert Reading.objects.filter(meter=meter).count() == 1


def test_future_date_gets_a_message(owner_client, meter, window, today):
    response = post(owner_client, meter, "1", today + datetime.timedelta(days=1))
    assert "cannot be in the future" in response.content.decode()
    assert not Reading.objects.exists()


def test_script_disguised_as_an_image_is_refused(owner_client, meter, window, today):
    fake = SimpleUploadedFile("meter.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    response = post(owner_client, meter, "1", today, photo=fake)
    assert response.status_code == 200
    assert "not a JPEG, PNG or HEIC" in response.content.decode()
    assert not Reading.objects.exists()


def test_oversized_image_is_refused(owner_client, meter, window, today):
    big = SimpleUploadedFile("big.jpg", jpeg_bytes() + b"\0" * (10 * 2**20 + 1))
    response = post(owner_client, meter, "1", today, photo=big)
    assert "too large" in response.content.decode()
    assert not Reading.objects.exists()


def test_photo_is_stored_without_exif_and_served_only_to_the_resident(
    owner_client, client, stranger, meter, window, today
):
    photo = SimpleUploadedFile("IMG_0001.jpg", jpeg_bytes(exif=gps_exif()), "image/jpeg")
    assert post(owner_client, meter, "7,25", today, photo=photo).status_code == 302
    reading = Reading.objects.get(meter=meter)
    assert "IMG_0001" not in reading.photo.name
    with reading.photo.open("rb") as f:
        stored = Image.open(io.BytesIO(f.read()))
        assert stored.format == "JPEG"
        assert not stored.getexif()
    url = reverse("meters:photo", args=[reading.pk])
    response = owner_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def test_unusual_reading_is_confirmed_in_a_second_step_keeping_the_photo(
    owner_client, meter, window, today
):
    ReadingFactory(meter=meter, value=D("123.450"), read_on=today - datetime.timedelta(days=30))
    photo = SimpleUploadedFile("m.jpg", jpeg_bytes(), "image/jpeg")
    response = post(owner_client, meter, "1234,5", today, photo=photo)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please check this reading" in page
    assert 'name="confirmed"' in page
    assert Reading.objects.count() == 1
    form = response.context["form"]
    data = {
        "value": "1234,5",
        "read_on": today.isoformat(),
        "token": form.data["token"],
        "pending_photo": form.data["pending_photo"],
        "confirmed": "on",
    }
    response = owner_client.post(reverse("meters:submit", args=[meter.pk]), data)
    assert response.status_code == 302
    reading = Reading.objects.get(meter=meter, value=D("1234.5"))
    assert reading.status == "flagged"
    assert reading.photo


def test_a_kept_photo_gone_before_the_confirmation_is_asked_for_again(
    owner_client, owner, meter, window, today
):
    """Never stored without the photo the resident attached while the page says all is well."""
    ReadingFactory(meter=meter, value=D("123.450"), read_on=today - datetime.timedelta(days=30))
    photo = SimpleUploadedFile("m.jpg", jpeg_bytes(), "image/jpeg")
    form = post(owner_client, meter, "1234,5", today, photo=photo).context["form"]
    kept = signing.loads(form.data["pending_photo"], salt=f"meters.pending_photo.{owner.pk}")
    default_storage.delete(kept)  # swept, or on a node of its own disk (issue #30)
    data = {**form.data.dict(), "confirmed": "on"}
    response = owner_client.post(reverse("meters:submit", args=[meter.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["photo"] == [
        "The photo you attached is no longer kept; attach it again."
    ]
    assert not Reading.objects.filter(value=D("1234.5")).exists()


def test_forged_pending_photo_is_ignored(owner_client, meter, window, today):
    response = post(owner_client, meter, "1", today, pending_photo="meters/photos/x.jpg")
    assert response.status_code == 302
    assert not Reading.objects.get(meter=meter).photo


def test_outside_a_window_the_form_says_when_the_next_opens(owner_client, meter, today):
    WindowFactory(
        starts_on=datetime.date(today.year + 1, 5, 25), ends_on=datetime.date(today.year + 1, 6, 5)
    )
    page = form_page(owner_client, meter).content.decode()
    assert f"opens on 25 May {today.year + 1}" in page
    assert '<form method="post" enctype' not in page


def test_history_shows_use_between_readings_and_the_chart(owner_client, meter, today):
    ReadingFactory(meter=meter, value=D("100.000"), read_on=datetime.date(2026, 1, 1))
    ReadingFactory(meter=meter, value=D("131.000"), read_on=datetime.date(2026, 2, 1))
    ReadingFactory(meter=meter, value=D("159.000"), read_on=datetime.date(2026, 3, 1))
    response = owner_client.get(reverse("meters:detail", args=[meter.pk]))
    page = response.content.decode()
    assert [row.consumption for row in response.context["history"].rows] == [D(28), D(31), None]
    assert "<svg" in page
    assert "<caption>Water use in each month</caption>" in page
    assert ">31<" in page  # English: whole cubic metres without padded zeros (was "31,000")
    assert ">28<" in page
    # The axis: from 0 to the highest month (31 m³), each end with its unit.
    assert ">31\u00a0m³</text>" in page
    assert ">0&nbsp;m³</text>" in page


def test_the_chart_axis_is_whole_cubic_metres_with_the_unit(owner_client, meter):
    """2.6 m³ and 1.4 m³ used: the axis ends at 3 m³, never at a bare "2,600"."""
    ReadingFactory(meter=meter, value=D("100.000"), read_on=datetime.date(2026, 1, 1))
    ReadingFactory(meter=meter, value=D("102.600"), read_on=datetime.date(2026, 2, 1))
    ReadingFactory(meter=meter, value=D("104.000"), read_on=datetime.date(2026, 3, 1))
    page = owner_client.get(reverse("meters:detail", args=[meter.pk])).content.decode()
    axis = re.findall(r'<text class="chart-axis"[^>]*dominant-baseline="middle">([^<]*)<', page)
    assert axis == ["3\u00a0m³", "0&nbsp;m³"]
    assert "2.6" in page  # in the table and the bar's title, where m³ follows or heads it
    assert "2,600" not in page  # in English that reads as two thousand six hundred


def months_before(day, n):
    index = day.year * 12 + day.month - 1 - n
    return datetime.date(index // 12, index % 12 + 1, 1)


def test_steady_high_use_is_pointed_out(owner_client, meter, today):
    # 12 months of 3 m³, then 3 months of 10 m³, read on the 1st of each month up to this one.
    value = D(0)
    for n in range(15, -1, -1):
        ReadingFactory(meter=meter, value=value, read_on=months_before(today, n))
        value += D(10) if n <= 3 else D(3)
    detail = owner_client.get(reverse("meters:detail", args=[meter.pk]))
    assert detail.context["history"].leak.usual == D("3.000")
    assert "Possible leak" in detail.content.decode()
    assert "Possible leak" in owner_client.get(reverse("meters:index")).content.decode()


def test_no_leak_sign_for_steady_use(owner_client, meter, today):
    for n in range(15, -1, -1):
        ReadingFactory(meter=meter, value=D(3 * (15 - n)), read_on=months_before(today, n))
    assert "Possible leak" not in owner_client.get(reverse("meters:index")).content.decode()


def render_index(user):
    """The page alone, without the session and login middleware's own queries."""
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.test import RequestFactory

    from meters.views import index

    request = RequestFactory().get(reverse("meters:index"))
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return index(request)


def test_index_queries_do_not_grow_with_history(django_assert_max_num_queries, window):
    access = AccessFactory()
    AccessFactory(user=access.user)  # a second account, whose premises have no meter
    for kind in ("cold", "hot"):
        meter = MeterFactory(premises=access.account.premises, kind=kind)
        ReadingFactory(meter=meter, value=D(0), read_on=datetime.date(2016, 1, 1))
    render_index(access.user)  # the steady state: the menu's list of accounts cached
    with django_assert_max_num_queries(10) as short:
        assert render_index(access.user).status_code == 200
    for meter in access.account.premises.meters.all():
        for i in range(1, 120):  # ten years of monthly readings
            ReadingFactory(
                meter=meter,
                value=D(i * 3),
                read_on=datetime.date(2016, 1, 1) + datetime.timedelta(days=30 * i),
            )
    with django_assert_max_num_queries(10) as long:
        response = render_index(access.user)
    assert len(long) == len(short)
    assert ">357<" in response.content.decode()


def test_a_new_tenant_does_not_see_the_previous_tenants_readings(
    owner_client, account, meter, today
):
    from django.core.files.base import ContentFile

    account.valid_from = today - datetime.timedelta(days=60)
    account.save(update_fields=["valid_from"])
    before = ReadingFactory(meter=meter, value=D("40.000"), read_on=today - datetime.timedelta(90))
    before.photo.save("x.jpg", ContentFile(jpeg_bytes()))
    ReadingFactory(meter=meter, value=D("47.500"), read_on=today - datetime.timedelta(30))
    page = owner_client.get(reverse("meters:detail", args=[meter.pk])).content.decode()
    assert ">47.5<" in page
    assert ">40<" not in page
    assert owner_client.get(reverse("meters:photo", args=[before.pk])).status_code == 404


def reading_queries(queries):
    return [q["sql"] for q in queries if 'FROM "meters_reading"' in q["sql"]]


def test_the_history_shows_24_readings_a_page_reading_a_bounded_number_of_rows(
    owner_client, owner, meter, today, django_assert_max_num_queries
):
    """60 monthly readings, the n-th (n = 0 the oldest) showing n² m³: the use since the one
    before is n² − (n − 1)² = 2n − 1 m³. A page shows 24, newest first; the oldest on the first
    page (n = 36) shows 71 m³, worked out from n = 35 on the next page."""
    for n in range(60):
        ReadingFactory(
            meter=meter, value=D(n * n), read_on=months_before(today, 60 - n), submitted_by=owner
        )
    url = reverse("meters:detail", args=[meter.pk])
    owner_client.get(url)
    with django_assert_max_num_queries(14) as first:
        response = owner_client.get(url)
    count = len(first)  # before the next request resets the log
    rows = response.context["history"].rows
    assert [row.reading.value for row in rows] == [D(n * n) for n in range(59, 35, -1)]
    assert rows[0].consumption == D(2 * 59 - 1)  # 117 m³
    assert rows[-1].consumption == D(2 * 36 - 1)  # 71 m³
    page = response.content.decode()
    assert f'href="?page=2">{"Older"}</a>' in page
    assert "Newer" not in page
    third = owner_client.get(url, {"page": 3})
    rows = third.context["history"].rows
    assert [row.reading.value for row in rows] == [D(n * n) for n in range(11, -1, -1)]
    assert rows[-1].consumption is None  # the first reading: no use before it
    assert "Older" not in third.content.decode()
    assert 'href="?page=2">Newer</a>' in third.content.decode()
    # Five more years before them: the same queries, each reading bounded rows (a LIMIT, or
    # the chart's last 25 months).
    for n in range(60):
        ReadingFactory(meter=meter, value=D(0), read_on=months_before(today, 61 + n))
    with django_assert_max_num_queries(count) as longer:
        owner_client.get(url)
        sqls = reading_queries(longer)
    assert sqls
    for sql in sqls:
        assert "LIMIT" in sql or '"read_on" >=' in sql, sql
