"""The audit's informational finding: a confirmed absurd reading (999 999,999) blocked every
later reading (a reading is never below the previous one). The resident may withdraw their own
newest reading while staff have not looked at it; staff correct it with a reason."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from meters import services
from meters.models import Reading, ReadingEvent
from tests.factories import StaffFactory
from tests.meters.factories import ReadingFactory

pytestmark = pytest.mark.django_db

ABSURD = D("999999.999")


@pytest.fixture
def absurd(owner, meter, window, today):
    ReadingFactory(meter=meter, value=D("120.500"), read_on=today - datetime.timedelta(days=30))
    yesterday = today - datetime.timedelta(days=1)
    reading = services.reading_submit(
        user=owner, meter=meter, value=ABSURD, read_on=yesterday, confirmed=True
    )
    assert reading.status == "flagged"
    with pytest.raises(services.ReadingRejected):  # it blocks the right one
        services.reading_submit(user=owner, meter=meter, value=D("123.750"), read_on=today)
    return reading


def submit(client, meter, value, today):
    token = client.get(reverse("meters:submit", args=[meter.pk])).context["form"].initial["token"]
    return client.post(
        reverse("meters:submit", args=[meter.pk]),
        {"value": value, "read_on": today.isoformat(), "token": str(token)},
    )


def test_the_resident_withdraws_it_and_submits_the_right_one(
    owner_client, owner, meter, absurd, today
):
    page = owner_client.get(reverse("meters:detail", args=[meter.pk]))
    assert reverse("meters:withdraw", args=[meter.pk]) in page.content.decode()
    response = owner_client.post(reverse("meters:withdraw", args=[meter.pk]))
    assert response.status_code == 302
    absurd.refresh_from_db()
    assert absurd.status == "withdrawn"  # kept on record, no longer counted
    assert ReadingEvent.objects.filter(reading=absurd, action="withdrawn", actor=owner).exists()
    assert AuditEvent.objects.filter(
        action="change", object_id=str(absurd.pk), actor=owner, new={"status": "withdrawn"}
    ).exists()
    assert submit(owner_client, meter, "123,750", today).status_code == 302
    counted = Reading.objects.effective().filter(meter=meter).order_by("-read_on", "-created_at")
    assert counted.first().value == D("123.750")


def test_nobody_else_withdraws_it(client, stranger, co_holder, meter, absurd):
    client.force_login(stranger)
    assert client.post(reverse("meters:withdraw", args=[meter.pk])).status_code == 404
    client.force_login(co_holder)  # may see the meter, did not send the reading
    client.post(reverse("meters:withdraw", args=[meter.pk]))
    absurd.refresh_from_db()
    assert absurd.status == "flagged"


def test_once_staff_looked_at_it_only_staff_correct_it(owner_client, owner, meter, absurd, today):
    clerk = StaffFactory(groups=["BOK"])
    services.reading_accept(reading=absurd, clerk=clerk)
    owner_client.post(reverse("meters:withdraw", args=[meter.pk]))
    absurd.refresh_from_db()
    assert absurd.status == "accepted"
    correction = services.reading_correct(
        reading=absurd, value=D("123.100"), reason="Ze zdjęcia licznika", clerk=clerk
    )
    assert correction.value == D("123.100")
    # 123,100 yesterday: 123,150 today is an ordinary day's use
    assert submit(owner_client, meter, "123,150", today).status_code == 302
