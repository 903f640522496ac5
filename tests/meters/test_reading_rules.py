"""Readings that a settlement can trust: one a day per meter (the resident's own reading of the
day is replaced while it is still theirs to take back), and a meter past its legalisation is
flagged, told to the resident and listed for BOK to replace."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from core.admin_warnings import warnings_for
from meters import services
from meters.models import Reading, ReadingEvent
from tests.factories import StaffFactory
from tests.meters.factories import MeterFactory, ReadingFactory

pytestmark = pytest.mark.django_db


def submit(owner, meter, value, day):
    return services.reading_submit(user=owner, meter=meter, value=D(value), read_on=day)


def test_a_second_reading_of_the_day_replaces_the_first(owner, meter, window, today):
    ReadingFactory(meter=meter, value=D("100"), read_on=today - datetime.timedelta(days=30))
    first = submit(owner, meter, "102.5", today)
    second = submit(owner, meter, "102.3", today)  # a typo put right the same day
    first.refresh_from_db()
    assert (first.status, second.status) == ("withdrawn", "accepted")
    counted = Reading.objects.effective().filter(meter=meter, read_on=today)
    assert list(counted.values_list("value", flat=True)) == [D("102.300")]
    event = ReadingEvent.objects.get(reading=first, action="withdrawn")
    assert event.details == {"old_value": "102.500", "replaced_by": second.pk}
    assert AuditEvent.objects.filter(
        action="change", object_id=str(first.pk), old__value="102.500"
    ).exists()


def test_a_day_read_by_the_office_is_not_replaced(owner, meter, window, today):
    clerk = StaffFactory(groups=["BOK"])
    services.reading_enter(clerk=clerk, meter=meter, value=D("50"), read_on=today)
    with pytest.raises(services.ReadingRejected) as refused:
        submit(owner, meter, "51", today)
    assert refused.value.field == "read_on"
    with pytest.raises(services.ReadingRejected):
        services.reading_enter(clerk=clerk, meter=meter, value=D("50.1"), read_on=today)
    assert Reading.objects.filter(meter=meter).count() == 1


def test_the_form_says_so_next_to_the_date(owner_client, meter, window, today):
    clerk = StaffFactory(groups=["BOK"])
    services.reading_enter(clerk=clerk, meter=meter, value=D("50"), read_on=today)
    url = reverse("meters:submit", args=[meter.pk])
    token = owner_client.get(url).context["form"].initial["token"]
    response = owner_client.post(url, {"value": "51", "read_on": today.isoformat(),
                                       "token": str(token)})
    assert response.status_code == 200
    assert response.context["form"].errors["read_on"] == [
        "Odczyt z tego dnia jest już zapisany. Poproś biuro o jego poprawienie."
    ]


def test_a_meter_past_its_legalisation_is_flagged_and_the_resident_told(
    owner_client, owner, account, window, today
):
    expired = today - datetime.timedelta(days=31)
    meter = MeterFactory(premises=account.premises, legalisation_expires_on=expired)
    ReadingFactory(meter=meter, value=D("10"), read_on=today - datetime.timedelta(days=30))
    url = reverse("meters:submit", args=[meter.pk])
    token = owner_client.get(url).context["form"].initial["token"]
    response = owner_client.post(
        url, {"value": "11,2", "read_on": today.isoformat(), "token": str(token)}, follow=True
    )
    reading = Reading.objects.get(meter=meter, read_on=today)
    assert reading.status == "flagged"
    assert "legalizacja wodomierza wygasła" in reading.flag_reason.lower()
    page = response.content.decode()
    day = f"{expired.day} "
    assert "Legalizacja tego wodomierza wygasła " + day in page
    assert "biuro skontaktuje się" in page
    assert "Legalizacja wodomierza " + meter.serial_number in page  # the meter page says so


def test_bok_sees_how_many_meters_to_replace(rf, account, today):
    MeterFactory(premises=account.premises, legalisation_expires_on=today - datetime.timedelta(1))
    MeterFactory(premises=account.premises, legalisation_expires_on=today - datetime.timedelta(9))
    MeterFactory(premises=account.premises)  # valid until 2030
    request = rf.get("/admin/")
    request.user = StaffFactory(groups=["BOK"])
    assert warnings_for(request) == [
        "2 wodomierze mają wygasłą legalizację i trzeba je wymienić "
        "(Wodomierze → filtr: legalizacja wygasła)."
    ]
    request.user = StaffFactory(groups=["Księgowość"])  # not theirs to do
    assert all("legalizac" not in w for w in warnings_for(request))


def test_the_database_keeps_one_counted_reading_a_day(meter, today):
    from django.db import IntegrityError, transaction

    ReadingFactory(meter=meter, value=D("10"), read_on=today)
    ReadingFactory(meter=meter, value=D("9"), read_on=today, status="withdrawn")  # on record
    with pytest.raises(IntegrityError), transaction.atomic():
        ReadingFactory(meter=meter, value=D("11"), read_on=today, status="flagged",
                       flag_reason="x")
    assert list(meter.readings.order_by("value").values_list("value", "status")) == [
        (D("9.000"), "withdrawn"), (D("10.000"), "accepted")
    ]
