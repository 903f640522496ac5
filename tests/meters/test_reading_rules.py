"""Readings that a settlement can trust: one a day per meter (the resident's own reading of the
day is replaced while it is still theirs to take back), and a meter past its legalisation is
flagged, told to the resident and listed for BOK to replace. Messages are Polish (the default)."""

import datetime
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditEvent
from core.admin_warnings import warnings_for
from meters import services
from meters.admin_warnings import expired_meters_message
from meters.models import Reading, ReadingEvent
from tests.factories import StaffFactory, UserFactory
from tests.meters.factories import MeterFactory, ReadingFactory, WindowFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
SAME_DAY = "Odczyt z tego dnia jest już zapisany. Poproś biuro o jego poprawienie."
# Polish month names as a date is written ("5 grudnia 2026"), to spell expected dates by hand.
MONTHS = [
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
]


def polish(day):
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def submit(owner, meter, value, day, **kwargs):
    return services.reading_submit(user=owner, meter=meter, value=D(value), read_on=day, **kwargs)


def post(client, meter, value, day, **kwargs):
    url = reverse("meters:submit", args=[meter.pk])
    token = client.get(url).context["form"].initial["token"]
    data = {"value": value, "read_on": day.isoformat(), "token": str(token)}
    return client.post(url, data, **kwargs)


# -- one reading a day ---------------------------------------------------------------------------


def test_a_second_reading_of_the_day_replaces_the_first(owner, meter, window, today):
    ReadingFactory(meter=meter, value=D("100"), read_on=today - 30 * DAY)
    first = submit(owner, meter, "102.5", today)
    # a typo put right the same day: lower than the first, still checked against 100,000
    second = submit(owner, meter, "102.3", today)
    first.refresh_from_db()
    assert (first.status, first.value) == ("withdrawn", D("102.500"))  # kept on record
    assert (second.status, second.value) == ("accepted", D("102.300"))
    counted = Reading.objects.effective().filter(meter=meter, read_on=today)
    assert list(counted.values_list("value", flat=True)) == [D("102.300")]

    replaced = ReadingEvent.objects.get(reading=first, action="replaced")
    assert replaced.actor == owner
    assert replaced.details == {
        "replaced_by": second.pk,
        "old_value": "102.500",
        "new_value": "102.300",
        "old_status": "accepted",
    }
    submitted = ReadingEvent.objects.get(reading=second)
    assert (submitted.action, submitted.details) == (
        "submitted",
        {"value": "102.300", "replaces": first.pk},
    )
    audit = AuditEvent.objects.get(action="change", object_id=str(first.pk))
    assert audit.actor == owner
    assert audit.old == {"status": "accepted", "value": "102.500"}
    assert audit.new == {"status": "withdrawn", "value": "102.300", "replaced_by": second.pk}


def test_a_replacement_is_still_checked_against_the_reading_before(owner, meter, window, today):
    ReadingFactory(meter=meter, value=D("100"), read_on=today - 30 * DAY)
    first = submit(owner, meter, "102.5", today)
    with pytest.raises(services.ReadingRejected) as refused:
        submit(owner, meter, "99.9", today)
    assert str(refused.value) == (
        f"Odczyt nie może być niższy od poprzedniego: 100,000 m³ z dnia {polish(today - 30 * DAY)}."
    )
    first.refresh_from_db()
    assert first.status == "accepted"
    assert meter.readings.count() == 2


def test_an_unusual_replacement_waits_for_the_confirmation(owner, meter, window, today):
    ReadingFactory(meter=meter, value=D("100"), read_on=today - 30 * DAY)
    first = submit(owner, meter, "102.5", today)
    with pytest.raises(services.ReadingNeedsConfirmation):
        submit(owner, meter, "1025", today)  # 10× the previous one
    first.refresh_from_db()
    assert first.status == "accepted"  # nothing changed before the resident confirms
    second = submit(owner, meter, "1025", today, confirmed=True)
    first.refresh_from_db()
    assert (first.status, second.status) == ("withdrawn", "flagged")


def test_the_resident_sees_the_replaced_reading_struck_out(owner_client, meter, window, today):
    ReadingFactory(meter=meter, value=D("100"), read_on=today - 30 * DAY)
    post(owner_client, meter, "102,5", today)
    response = post(owner_client, meter, "102,3", today, follow=True)
    page = response.content.decode()
    assert "Odczyt zapisano. Dziękujemy." in page
    assert "<del>102,5</del>" in page
    assert "wycofany, nie liczy się" in page
    assert [r.status for r in meter.readings.order_by("created_at")] == [
        "accepted",
        "withdrawn",
        "accepted",
    ]


def test_an_old_reading_of_the_day_is_not_replaced(owner, meter, window, today):
    # sent more than 14 days ago (dated two days ago): no longer the resident's to take back
    old = ReadingFactory(
        meter=meter,
        value=D("50"),
        read_on=today - 2 * DAY,
        submitted_by=owner,
        created_at=timezone.now() - 15 * DAY,
    )
    with pytest.raises(services.ReadingRejected) as refused:
        submit(owner, meter, "50.5", today - 2 * DAY)
    assert (str(refused.value), refused.value.field) == (SAME_DAY, "read_on")
    old.refresh_from_db()
    assert old.status == "accepted"
    assert meter.readings.count() == 1


def test_a_reading_staff_have_looked_at_is_not_replaced(owner, meter, window, today):
    ReadingFactory(meter=meter, value=D("100"), read_on=today - 30 * DAY)
    flagged = submit(owner, meter, "1000", today, confirmed=True)
    services.reading_accept(reading=flagged, clerk=StaffFactory(groups=["BOK"]))
    with pytest.raises(services.ReadingRejected, match="Poproś biuro"):
        submit(owner, meter, "1000.5", today)
    assert meter.readings.count() == 2


def test_only_the_newest_reading_can_be_replaced(owner, meter, window, today):
    earlier = submit(owner, meter, "40", today - 2 * DAY)
    submit(owner, meter, "41", today)
    with pytest.raises(services.ReadingRejected, match="Poproś biuro"):
        submit(owner, meter, "40.5", today - 2 * DAY)
    earlier.refresh_from_db()
    assert earlier.status == "accepted"


def test_another_residents_reading_of_the_day_is_not_replaced(owner, meter, window, today):
    submit(UserFactory(), meter, "40", today)  # the co-owner's
    with pytest.raises(services.ReadingRejected, match="Poproś biuro"):
        submit(owner, meter, "41", today)
    assert list(meter.readings.values_list("value", flat=True)) == [D("40.000")]


def test_after_a_withdrawal_the_day_is_free(owner, meter, window, today):
    first = submit(owner, meter, "40", today)
    services.reading_withdraw(user=owner, meter=meter)
    second = submit(owner, meter, "39", today)
    assert second.status == "accepted"
    assert not ReadingEvent.objects.filter(action="replaced").exists()
    assert ReadingEvent.objects.get(reading=second).details == {"value": "39.000"}
    first.refresh_from_db()
    assert first.status == "withdrawn"


def test_a_day_read_by_the_office_is_not_replaced(owner, meter, window, today):
    clerk = StaffFactory(groups=["BOK"])
    services.reading_enter(clerk=clerk, meter=meter, value=D("50"), read_on=today)
    with pytest.raises(services.ReadingRejected) as refused:
        submit(owner, meter, "51", today)
    assert (str(refused.value), refused.value.field) == (SAME_DAY, "read_on")
    with pytest.raises(services.ReadingRejected) as refused:
        services.reading_enter(clerk=clerk, meter=meter, value=D("50.1"), read_on=today)
    assert (str(refused.value), refused.value.field) == (
        "Odczyt z tego dnia jest już zapisany; użyj „Skoryguj” przy tamtym odczycie.",
        "read_on",
    )
    assert list(meter.readings.values_list("value", flat=True)) == [D("50.000")]


def test_the_form_says_so_next_to_the_date(owner_client, meter, window, today):
    clerk = StaffFactory(groups=["BOK"])
    services.reading_enter(clerk=clerk, meter=meter, value=D("50"), read_on=today)
    response = post(owner_client, meter, "51", today)
    assert response.status_code == 200
    assert response.context["form"].errors["read_on"] == [SAME_DAY]
    assert meter.readings.count() == 1


def test_staff_entering_a_second_reading_see_it_next_to_the_date(client, meter, today):
    clerk = StaffFactory(groups=["BOK"])
    services.reading_enter(clerk=clerk, meter=meter, value=D("50"), read_on=today)
    client.force_login(clerk)
    response = client.post(
        reverse("admin:meters_reading_enter"),
        {"meter": meter.pk, "value": "50,1", "read_on": today.isoformat(), "reason": "wizyta"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["read_on"] == [
        "Odczyt z tego dnia jest już zapisany; użyj „Skoryguj” przy tamtym odczycie."
    ]
    assert meter.readings.count() == 1


def test_a_correction_cannot_move_onto_a_day_already_read(owner, meter, window, today):
    clerk = StaffFactory(groups=["BOK"])
    ReadingFactory(meter=meter, value=D("100"), read_on=today - 3 * DAY)
    wrong = ReadingFactory(meter=meter, value=D("150"), read_on=today - 2 * DAY)
    with pytest.raises(services.ReadingRejected) as refused:
        services.reading_correct(
            reading=wrong,
            value=D("100.5"),
            read_on=today - 3 * DAY,
            reason="Zła data",
            clerk=clerk,
        )
    assert str(refused.value) == (
        f"Odczyt z dnia {polish(today - 3 * DAY)} jest już zapisany; skoryguj zamiast tego "
        "tamten odczyt."
    )
    wrong.refresh_from_db()
    assert wrong.status == "accepted"
    # the same day, or a free one, is fine
    correction = services.reading_correct(
        reading=wrong, value=D("101"), read_on=today - DAY, reason="Zła data", clerk=clerk
    )
    assert (correction.value, correction.read_on) == (D("101.000"), today - DAY)


def test_the_database_keeps_one_counted_reading_a_day(meter, today):
    ReadingFactory(meter=meter, value=D("10"), read_on=today)
    ReadingFactory(meter=meter, value=D("9"), read_on=today, status="withdrawn")  # on record
    with pytest.raises(IntegrityError), transaction.atomic():
        ReadingFactory(meter=meter, value=D("11"), read_on=today, status="flagged", flag_reason="x")
    assert list(meter.readings.order_by("value").values_list("value", "status")) == [
        (D("9.000"), "withdrawn"),
        (D("10.000"), "accepted"),
    ]


# -- legalisation -------------------------------------------------------------------------------

EXPIRED_REASON = (
    "Legalizacja wodomierza wygasła 15 marca 2026: odczyty są zachowane, a rozliczenie wody "
    "oznacza pokazane przez nie zużycie, dopóki biuro nie wymieni wodomierza."
)


@pytest.fixture
def march():
    """A window around 31 March 2026, and a meter whose legalisation ended on 15 March."""
    WindowFactory(starts_on=datetime.date(2026, 3, 25), ends_on=datetime.date(2026, 4, 5))
    return datetime.date(2026, 3, 31)


def test_a_reading_after_the_legalisation_is_flagged(owner, account, march):
    meter = MeterFactory(
        premises=account.premises, legalisation_expires_on=datetime.date(2026, 3, 15)
    )
    reading = submit(owner, meter, "11.2", march, today=march)
    assert (reading.status, reading.flag_reason) == ("flagged", EXPIRED_REASON)
    assert reading.confirmed_by_resident is False


def test_a_reading_on_the_last_day_of_the_legalisation_is_accepted(owner, account, march):
    meter = MeterFactory(
        premises=account.premises, legalisation_expires_on=datetime.date(2026, 3, 27)
    )
    reading = submit(owner, meter, "11.2", datetime.date(2026, 3, 27), today=march)
    assert (reading.status, reading.flag_reason) == ("accepted", "")


def test_an_unusual_reading_past_the_legalisation_gives_both_reasons(owner, account, march):
    meter = MeterFactory(
        premises=account.premises, legalisation_expires_on=datetime.date(2026, 3, 15)
    )
    ReadingFactory(meter=meter, value=D("10"), read_on=datetime.date(2026, 2, 28))
    reading = submit(owner, meter, "100", march, today=march, confirmed=True)
    assert reading.status == "flagged"
    assert reading.flag_reason == (
        "Odczyt jest 10× większy od poprzedniego (10,000 m³): czy to nie pomyłka? " + EXPIRED_REASON
    )


def test_staff_readings_past_the_legalisation_are_flagged_too(client, account, today):
    expired = today - 10 * DAY
    meter = MeterFactory(premises=account.premises, legalisation_expires_on=expired)
    clerk = StaffFactory(groups=["BOK"])
    client.force_login(clerk)
    response = client.post(
        reverse("admin:meters_reading_enter"),
        {"meter": meter.pk, "value": "12,5", "read_on": today.isoformat(), "reason": "wizyta"},
        follow=True,
    )
    reading = meter.readings.get()
    reason = (
        f"Legalizacja wodomierza wygasła {polish(expired)}: odczyty są zachowane, a rozliczenie "
        "wody oznacza pokazane przez nie zużycie, dopóki biuro nie wymieni wodomierza."
    )
    assert (reading.status, reading.flag_reason, reading.source) == ("flagged", reason, "staff")
    assert f"Odczyt zapisano i oznaczono do sprawdzenia: {reason}" in response.content.decode()


def test_the_resident_is_told_and_the_meter_pages_warn(owner_client, owner, account, window, today):
    expired = today - 31 * DAY
    meter = MeterFactory(
        premises=account.premises, serial_number="ZW-OLD", legalisation_expires_on=expired
    )
    ReadingFactory(meter=meter, value=D("10"), read_on=today - 30 * DAY)
    response = post(owner_client, meter, "11,2", today, follow=True)
    reading = Reading.objects.get(meter=meter, read_on=today)
    assert reading.status == "flagged"
    page = response.content.decode()
    assert (
        f"Legalizacja tego wodomierza wygasła {polish(expired)}. Zapisaliśmy odczyt; biuro "
        "skontaktuje się w sprawie wymiany wodomierza."
    ) in page
    warning = f"Legalizacja wodomierza ZW-OLD wygasła {polish(expired)}."
    assert warning in page  # the meter page
    assert "Podawaj dalej odczyty: biuro skontaktuje się w sprawie wymiany wodomierza." in page
    assert warning in owner_client.get(reverse("meters:index")).content.decode()


def test_no_warning_while_the_legalisation_is_valid_or_for_a_removed_meter(
    owner_client, account, today
):
    valid = MeterFactory(
        premises=account.premises, serial_number="ZW-OK", legalisation_expires_on=today
    )
    removed = MeterFactory(
        premises=account.premises,
        serial_number="ZW-GONE",
        legalisation_expires_on=today - 40 * DAY,
        removed_on=today - 50 * DAY,
    )
    for meter in (valid, removed):
        page = owner_client.get(reverse("meters:detail", args=[meter.pk])).content.decode()
        assert "Podawaj dalej odczyty" not in page
    assert "Podawaj dalej odczyty" not in owner_client.get(reverse("meters:index")).content.decode()


# -- BOK's task: meters to replace ------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (1, "1 wodomierz z wygasłą legalizacją do wymiany"),
        (2, "2 wodomierze z wygasłą legalizacją do wymiany"),
        (4, "4 wodomierze z wygasłą legalizacją do wymiany"),
        (5, "5 wodomierzy z wygasłą legalizacją do wymiany"),
        (12, "12 wodomierzy z wygasłą legalizacją do wymiany"),
        (22, "22 wodomierze z wygasłą legalizacją do wymiany"),
        (25, "25 wodomierzy z wygasłą legalizacją do wymiany"),
    ],
)
def test_the_count_in_polish(count, text):
    with translation.override("pl"):
        assert expired_meters_message(count) == text


@pytest.fixture
def legalisations(account, today):
    """Meters by legalisation: two expired in service, one expired but already removed, one
    ending today, one within 60 days, one just after."""

    def meter(serial, expires, **kwargs):
        return MeterFactory(
            premises=account.premises,
            serial_number=serial,
            legalisation_expires_on=expires,
            **kwargs,
        )

    return {
        "expired": [meter("EXP-1", today - DAY), meter("EXP-9", today - 9 * DAY)],
        "removed": meter("EXP-GONE", today - 9 * DAY, removed_on=today - 30 * DAY),
        "soon": [meter("SOON-0", today), meter("SOON-60", today + 60 * DAY)],
        "valid": [meter("VALID-61", today + 61 * DAY)],
    }


def test_bok_sees_how_many_meters_to_replace(rf, legalisations):
    request = rf.get("/admin/")
    request.user = StaffFactory(groups=["BOK"])
    assert "2 wodomierze z wygasłą legalizacją do wymiany" in warnings_for(request)
    request.user = StaffFactory(groups=["Księgowość"])  # not theirs to do
    assert all("legalizac" not in w for w in warnings_for(request))


def test_the_admin_front_page_and_the_meter_list_show_the_task(client, legalisations):
    client.force_login(StaffFactory(groups=["BOK"]))
    front = client.get(reverse("admin:index")).content.decode()
    assert "2 wodomierze z wygasłą legalizacją do wymiany" in front
    page = client.get(reverse("admin:meters_meter_changelist")).content.decode()
    assert "2 wodomierze z wygasłą legalizacją do wymiany" in page
    assert 'href="?legalisation=expired"' in page


@pytest.mark.parametrize("state", ["expired", "soon", "valid"])
def test_the_legalisation_filter(client, legalisations, state):
    client.force_login(StaffFactory(groups=["BOK"]))
    response = client.get(reverse("admin:meters_meter_changelist"), {"legalisation": state})
    shown = sorted(m.serial_number for m in response.context["cl"].result_list)
    assert shown == sorted(m.serial_number for m in legalisations[state])


def test_no_task_when_every_meter_is_legalised(client, account, today):
    MeterFactory(premises=account.premises, legalisation_expires_on=today)
    client.force_login(StaffFactory(groups=["BOK"]))
    page = client.get(reverse("admin:meters_meter_changelist")).content.decode()
    assert "z wygasłą legalizacją" not in page


def test_an_enormous_number_is_refused_not_an_error(owner, meter, window, today):
    with pytest.raises(services.ReadingRejected, match="za duża"):
        submit(owner, meter, "1E+40", today)
    assert not meter.readings.exists()
