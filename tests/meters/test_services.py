"""The reading rules, with figures worked out by hand."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import translation

from messaging.models import Notification
from meters import services
from meters.models import Reading, ReadingEvent
from tests.meters.factories import MeterFactory, ReadingFactory, WindowFactory

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def submit(owner, meter, value, read_on, **kwargs):
    return services.reading_submit(
        user=owner, meter=meter, value=D(value), read_on=read_on, **kwargs
    )


def test_first_reading_is_accepted_with_an_audit(owner, meter, window, today):
    reading = submit(owner, meter, "12.345", today)
    assert reading.status == Reading.Status.ACCEPTED
    assert reading.value == D("12.345")
    assert reading.source == Reading.Source.RESIDENT
    event = ReadingEvent.objects.get(reading=reading)
    assert (event.action, event.actor) == ("submitted", owner)


def test_lower_than_previous_is_refused(owner, meter, window, today):
    ReadingFactory(meter=meter, value=D("150.000"), read_on=today - datetime.timedelta(days=30))
    with pytest.raises(services.ReadingRejected, match="lower than the previous one: 150,000"):
        submit(owner, meter, "149.999", today)
    assert meter.readings.count() == 1
    assert submit(owner, meter, "150.000", today).status == "accepted"  # no use is fine


def test_reading_between_two_others_must_fit(owner, meter, window, today):
    ReadingFactory(meter=meter, value=D("100"), read_on=today - datetime.timedelta(days=40))
    ReadingFactory(meter=meter, value=D("110"), read_on=today)
    with pytest.raises(services.ReadingRejected, match="higher than the later one"):
        submit(owner, meter, "111", today - datetime.timedelta(days=4))


def test_replaced_meter_starts_a_new_series(owner, account, window, today):
    old = MeterFactory(premises=account.premises, serial_number="OLD-1")
    ReadingFactory(meter=old, value=D("845.120"), read_on=today - datetime.timedelta(days=60))
    new = MeterFactory(
        premises=account.premises,
        serial_number="NEW-1",
        installed_on=today - datetime.timedelta(days=30),
    )
    old.removed_on = today - datetime.timedelta(days=30)
    old.replaced_by = new
    old.save()
    # The new dial starts near zero: far below the old meter's 845, and that is right.
    reading = submit(owner, new, "3.250", today)
    assert reading.status == "accepted"
    with pytest.raises(services.ReadingRejected, match="removed"):
        submit(owner, old, "850", today)


def test_future_date_is_refused(owner, meter, window, today):
    with pytest.raises(services.ReadingRejected, match="future"):
        submit(owner, meter, "1", today + datetime.timedelta(days=1))
    assert not meter.readings.exists()


def test_outside_a_window_says_when_the_next_opens(owner, meter, today):
    WindowFactory(
        starts_on=today + datetime.timedelta(days=20), ends_on=today + datetime.timedelta(days=30)
    )
    with pytest.raises(services.ReadingWindowClosed) as closed:
        submit(owner, meter, "1", today)
    assert closed.value.next_window.starts_on == today + datetime.timedelta(days=20)
    assert "The next period opens on" in str(closed.value)
    assert not meter.readings.exists()


def test_windows_of_other_buildings_do_not_open(owner, meter, today):
    WindowFactory(building=MeterFactory().premises.building)
    with pytest.raises(services.ReadingWindowClosed):
        submit(owner, meter, "1", today)


def test_staff_may_enter_outside_a_window(staff, meter, today):
    reading = services.reading_enter(
        clerk=staff, meter=meter, value=D("7.5"), read_on=today, reason="wizyta"
    )
    assert (reading.source, reading.status) == ("staff", "accepted")


def year_of_readings(meter, today):
    """13 monthly readings: 3 m³ a month, ~0.1 m³ a day."""
    per_month = D(3)
    start = today - datetime.timedelta(days=30 * 13)
    for i in range(13):
        ReadingFactory(
            meter=meter,
            value=D(100) + per_month * i,
            read_on=start + datetime.timedelta(days=30 * i),
        )
    return D(100) + per_month * 12, start + datetime.timedelta(days=30 * 12)


def test_usual_use_is_accepted(owner, meter, window, today):
    last, last_day = year_of_readings(meter, today)  # 136 m³, 30 days ago; 0.1 m³ a day
    # 30 days at 0.29 m³ a day: under 3 × 0.1.
    assert submit(owner, meter, str(last + D("8.7")), today).status == "accepted"


def test_far_above_usual_asks_to_confirm_then_is_flagged(owner, meter, window, today):
    last, last_day = year_of_readings(meter, today)
    value = last + D("9.3")  # 0.31 m³ a day > 3 × 0.1
    with pytest.raises(services.ReadingNeedsConfirmation) as unusual:
        submit(owner, meter, str(value), today)
    assert "0,310 m³ a day" in unusual.value.reason
    assert "0,100 m³ a day" in unusual.value.reason
    assert meter.readings.count() == 13  # nothing stored yet
    reading = submit(owner, meter, str(value), today, confirmed=True)
    assert reading.status == "flagged"
    assert reading.confirmed_by_resident
    assert "0,310" in reading.flag_reason


def test_typo_sized_jump_asks_to_confirm(owner, meter, window, today):
    ReadingFactory(meter=meter, value=D("123.450"), read_on=today - datetime.timedelta(days=30))
    with pytest.raises(services.ReadingNeedsConfirmation, match="unusual") as unusual:
        submit(owner, meter, "1234.5", today)  # a misplaced comma: ×10
    assert "10×" in unusual.value.reason


def test_double_submit_stores_one(owner, meter, window, today):
    token = uuid.uuid4()
    first = submit(owner, meter, "5", today, idempotency_key=token)
    second = submit(owner, meter, "5", today, idempotency_key=token)
    assert first.pk == second.pk
    assert meter.readings.count() == 1


def test_accept_a_flagged_reading(owner, staff, meter, window, today):
    last, _ = year_of_readings(meter, today)
    flagged = submit(owner, meter, str(last + 20), today, confirmed=True)
    accepted = services.reading_accept(reading=flagged, clerk=staff)
    assert (accepted.status, accepted.reviewed_by) == ("accepted", staff)
    assert ReadingEvent.objects.filter(reading=flagged, action="accepted", actor=staff).exists()
    with pytest.raises(services.ReadingRejected):
        services.reading_accept(reading=accepted, clerk=staff)


def test_correction_is_a_new_staff_reading_and_tells_the_resident(
    owner, co_holder, staff, meter, window, today
):
    ReadingFactory(meter=meter, value=D("100"), read_on=today - datetime.timedelta(days=30))
    wrong = submit(owner, meter, "1000", today - datetime.timedelta(days=1), confirmed=True)
    correction = services.reading_correct(
        reading=wrong, value=D("110.5"), reason="Zdjęcie pokazuje 110,5", clerk=staff
    )
    wrong.refresh_from_db()
    assert wrong.status == "corrected"
    assert (correction.correction_of, correction.source, correction.value) == (
        wrong,
        "staff",
        D("110.5"),
    )
    # The corrected reading no longer counts: the next one is checked against 110.5.
    assert submit(owner, meter, "111", today).status == "accepted"
    for user in (owner, co_holder):
        note = Notification.objects.get(user=user)
        assert "z 1000 m³ na 110,5 m³" in note.body  # stored in Polish, whoever corrects
        with translation.override("en"):
            assert "from 1000 m³ to 110.5 m³" in note.body_text
        assert "Zdjęcie pokazuje" in note.body


def test_correction_needs_a_reason_and_a_fitting_value(staff, owner, meter, window, today):
    ReadingFactory(meter=meter, value=D("100"), read_on=today - datetime.timedelta(days=30))
    reading = submit(owner, meter, "104", today)
    with pytest.raises(services.ReadingRejected, match="reason"):
        services.reading_correct(reading=reading, value=D("105"), reason=" ", clerk=staff)
    with pytest.raises(services.ReadingRejected, match="lower than the previous"):
        services.reading_correct(reading=reading, value=D("99"), reason="x", clerk=staff)
    reading.refresh_from_db()
    assert reading.status == "accepted"
