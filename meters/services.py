"""Every write to meters: readings submitted by residents, entered, accepted and corrected by
staff, and reminders before a reading window closes. Validate first, then store in one
transaction with an audit event; residents hear of it through messaging.notify."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import AccountAccess
from audit.services import Action, audit_clerk, audit_record
from core.stored_text import LongDay, StoredText, Volume
from messaging import Kind, notify

from .consumption import average_daily_use, year_before
from .forms import MAX_READING
from .models import Meter, Reading, ReadingEvent, ReadingReminder, ReadingWindow
from .queries import missing_meters, next_window, open_window, withdrawable_reading


class ReadingRejected(Exception):
    """A reading that cannot be stored; `field` says which form field the message belongs to."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


class ReadingWindowClosed(ReadingRejected):
    def __init__(self, message, next_window=None):
        super().__init__(message)
        self.next_window = next_window


class ReadingNeedsConfirmation(Exception):
    """An unusual reading: the resident must confirm it; then it is stored flagged."""

    def __init__(self, message, reason):
        super().__init__(message)
        self.reason = reason


def _day(value: date) -> str:
    return date_format(value, "j E Y")


# -- windows ----------------------------------------------------------------------------------


def _check_window(meter, read_on, today):
    window = open_window(meter.premises, today)
    if window is None:
        upcoming = next_window(meter.premises, today)
        if upcoming:
            message = _("Readings are not collected now. The next period opens on %(day)s.") % {
                "day": _day(upcoming.starts_on)
            }
        else:
            message = _(
                "Readings are not collected now; the manager will announce the next period."
            )
        raise ReadingWindowClosed(message, upcoming)
    if read_on < window.starts_on:
        raise ReadingRejected(
            _("In this period give a reading taken on %(day)s or later.")
            % {"day": _day(window.starts_on)},
            field="read_on",
        )


# -- validation -------------------------------------------------------------------------------


def _neighbours(meter, read_on, exclude=None):
    readings = Reading.objects.effective().filter(meter=meter)
    if exclude is not None:
        readings = readings.exclude(pk=exclude.pk)
    before = readings.filter(read_on__lte=read_on).order_by("-read_on", "-created_at").first()
    after = readings.filter(read_on__gt=read_on).order_by("read_on", "created_at").first()
    return before, after


def _check_value(meter, value, read_on, today, exclude=None):
    """The previous counted reading, after the rules every reading must meet."""
    if value < 0:
        raise ReadingRejected(_("A meter reading cannot be negative."), field="value")
    if value > MAX_READING:
        raise ReadingRejected(_("This number is too large for a water meter."), field="value")
    if read_on > today:
        raise ReadingRejected(_("The date of the reading cannot be in the future."), "read_on")
    if read_on < meter.installed_on:
        raise ReadingRejected(
            _("The meter was installed on %(day)s; the reading cannot be earlier.")
            % {"day": _day(meter.installed_on)},
            field="read_on",
        )
    if meter.removed_on and read_on > meter.removed_on:
        raise ReadingRejected(
            _("This meter was removed on %(day)s.") % {"day": _day(meter.removed_on)},
            field="read_on",
        )
    before, after = _neighbours(meter, read_on, exclude)
    if before is not None and value < before.value:
        raise ReadingRejected(
            _("The reading cannot be lower than the previous one: %(value)s m³ on %(day)s.")
            % {"value": _volume(before.value), "day": _day(before.read_on)},
            field="value",
        )
    if after is not None and value > after.value:
        raise ReadingRejected(
            _("The reading cannot be higher than the later one: %(value)s m³ on %(day)s.")
            % {"value": _volume(after.value), "day": _day(after.read_on)},
            field="value",
        )
    return before


def _same_day(meter, read_on, exclude=None):
    """The counted reading of this meter on this day (at most one: see the model's
    constraint), if there is one."""
    readings = Reading.objects.effective().filter(meter=meter, read_on=read_on)
    if exclude is not None:
        readings = readings.exclude(pk=exclude.pk)
    return readings.order_by("-created_at").first()


def legalisation_expired(meter: Meter, read_on: date) -> bool:
    return read_on > meter.legalisation_expires_on


def legalisation_reason(meter, read_on) -> str:
    """Why a reading of a meter past its legalisation is flagged, or ""."""
    if not legalisation_expired(meter, read_on):
        return ""
    return _(
        "The meter's legalisation expired on %(day)s: its readings are kept, and a water "
        "settlement marks the use they show, until the office replaces the meter."
    ) % {"day": _day(meter.legalisation_expires_on)}


def _volume(value: Decimal) -> str:
    return f"{value:.3f}".replace(".", ",")


def _to_litres(value: Decimal) -> Decimal:
    """m³ to the litre, as stored: 102,3 is 102.300 in the reading and in the audit trail."""
    value = Decimal(value)
    if abs(value) > MAX_READING:
        return value  # refused by _check_value; quantize could overflow
    return value.quantize(Decimal("0.001"))


def _litres(value: Decimal) -> str:
    return f"{_to_litres(value)}"


def unusual_reason(meter, value, read_on, previous):
    """Why a reading looks wrong (a typo, or use far above usual), or "" when it does not."""
    if previous is None:
        return ""
    used = value - previous.value
    typo = Decimal(settings.METERS_TYPO_FACTOR)
    if previous.value >= 1 and value >= previous.value * typo:
        return _("The reading is %(factor)s× the previous one (%(value)s m³): a typo?") % {
            "factor": settings.METERS_TYPO_FACTOR,
            "value": _volume(previous.value),
        }
    days = (read_on - previous.read_on).days
    if used <= 0 or days <= 0:
        return ""
    points = list(
        Reading.objects.effective()
        .filter(
            meter=meter,
            read_on__gte=year_before(previous.read_on),
            read_on__lte=previous.read_on,
        )
        .order_by("read_on", "created_at")
        .values_list("read_on", "value")
    )
    usual = average_daily_use(points)
    factor = Decimal(settings.METERS_UNUSUAL_FACTOR)
    if usual and usual > 0 and used / days > usual * factor:
        return _(
            "%(daily)s m³ a day since the previous reading, more than %(factor)s× the usual "
            "%(usual)s m³ a day."
        ) % {
            "daily": _volume((used / days).quantize(Decimal("0.001"))),
            "factor": settings.METERS_UNUSUAL_FACTOR,
            "usual": _volume(usual.quantize(Decimal("0.001"))),
        }
    return ""


# -- residents ----------------------------------------------------------------------------------


def reading_submit(
    *,
    user,
    meter: Meter,
    value: Decimal,
    read_on: date,
    photo=None,
    confirmed: bool = False,
    idempotency_key=None,
    today: date | None = None,
) -> Reading:
    """A resident's reading. Raises ReadingRejected, ReadingWindowClosed or
    ReadingNeedsConfirmation; a second submit of the same form returns the first reading."""
    today = today or timezone.localdate()
    value = _to_litres(value)
    done = _submitted(meter, idempotency_key)
    if done is not None:
        return done
    if not meter.is_active:
        raise ReadingRejected(_("This meter has been removed; give the reading of the new one."))
    try:
        with transaction.atomic(durable=True):
            # One submit per meter at a time, so "the previous reading" cannot move under us.
            meter = (
                Meter.objects.select_for_update()
                .select_related("premises__building")
                .get(pk=meter.pk)
            )
            _check_window(meter, read_on, today)
            replaced = _replaceable(user, meter, read_on)
            reading = _resident_reading(
                user,
                meter,
                value,
                read_on,
                today,
                replaced=replaced,
                confirmed=confirmed,
                idempotency_key=idempotency_key,
            )
            if photo is not None:
                reading.photo.save("photo.jpg", photo, save=False)
            if replaced is None:
                reading.save()
                _audit(reading, ReadingEvent.Action.SUBMITTED, user, value=_litres(value))
            else:
                _replace(replaced, reading, user)
            return reading
    except IntegrityError:
        done = _submitted(meter, idempotency_key)  # the other submit won the race
        if done is None:
            raise
        return done


def _submitted(meter, idempotency_key) -> Reading | None:
    """The reading an earlier submit of the same form stored, if any."""
    if idempotency_key is None:
        return None
    done: Reading | None = Reading.objects.filter(
        idempotency_key=idempotency_key, meter=meter
    ).first()
    return done


def _replaceable(user, meter, read_on) -> Reading | None:
    """One reading a day: the resident's own reading of that day, still theirs to take back,
    is replaced; any other is for the office to correct."""
    replaced: Reading | None = _same_day(meter, read_on)
    if replaced is not None and replaced != withdrawable_reading(user, meter):
        raise ReadingRejected(
            _("A reading for this day is already recorded. Ask the office to correct it."),
            field="read_on",
        )
    return replaced


def _resident_reading(
    user, meter, value, read_on, today, *, replaced, confirmed, idempotency_key
) -> Reading:
    """The resident's reading, checked and unsaved: flagged when unusual (and confirmed) or
    when the meter's legalisation has expired."""
    previous = _check_value(meter, value, read_on, today, exclude=replaced)
    reason = unusual_reason(meter, value, read_on, previous)
    if reason and not confirmed:
        raise ReadingNeedsConfirmation(
            _("This reading is unusual. Please check the meter and confirm it."), reason
        )
    expired = legalisation_reason(meter, read_on)
    flag = " ".join(r for r in (reason, expired) if r)
    return Reading(
        meter=meter,
        value=value,
        read_on=read_on,
        source=Reading.Source.RESIDENT,
        submitted_by=user,
        status=Reading.Status.FLAGGED if flag else Reading.Status.ACCEPTED,
        flag_reason=flag[:300],
        confirmed_by_resident=bool(reason),
        idempotency_key=idempotency_key,
    )


def _replace(old, new, user):
    """Store `new` in place of the resident's earlier reading of the same day, which stops
    counting but stays on record as withdrawn."""
    before = old.status
    old.status = Reading.Status.WITHDRAWN
    old.save(update_fields=["status"])  # first: the database allows one counted reading a day
    new.save()
    _audit(new, ReadingEvent.Action.SUBMITTED, user, value=_litres(new.value), replaces=old.pk)
    _audit(
        old,
        ReadingEvent.Action.REPLACED,
        user,
        replaced_by=new.pk,
        old_value=_litres(old.value),
        new_value=_litres(new.value),
        old_status=before,
    )
    audit_record(
        action=Action.CHANGE,
        actor=user,
        obj=old,
        resident=user,
        old={"status": before, "value": old.value},
        new={"status": old.status, "value": new.value, "replaced_by": new.pk},
    )


def _audit(reading, action, actor, **details):
    ReadingEvent.objects.create(reading=reading, action=action, actor=actor, details=details)


# -- staff ----------------------------------------------------------------------------------------


def _residents_of(premises):
    today = timezone.localdate()
    accesses = (
        AccountAccess.objects.current()
        .filter(account__premises=premises, account__valid_from__lte=today)
        .exclude(account__valid_to__lt=today)
        .select_related("user")
    )
    return list({access.user for access in accesses if access.user.is_active})


def reading_enter(*, clerk, meter: Meter, value: Decimal, read_on: date, reason: str = ""):
    """A reading taken by staff (a visit, a paper form, a phone call): no window applies."""
    today = timezone.localdate()
    value = _to_litres(value)
    with transaction.atomic(durable=True):
        meter = Meter.objects.select_for_update().get(pk=meter.pk)
        if _same_day(meter, read_on) is not None:
            raise ReadingRejected(
                _("A reading for this day is already recorded; use Correct on that reading."),
                field="read_on",
            )
        _check_value(meter, value, read_on, today)
        expired = legalisation_reason(meter, read_on)
        reading = Reading.objects.create(
            meter=meter,
            value=value,
            read_on=read_on,
            source=Reading.Source.STAFF,
            submitted_by=clerk,
            status=Reading.Status.FLAGGED if expired else Reading.Status.ACCEPTED,
            flag_reason=expired,
            reason=reason.strip(),
            reviewed_by=clerk,
            reviewed_at=timezone.now(),
        )
        _audit(reading, ReadingEvent.Action.ENTERED, clerk, value=_litres(value))
        audit_clerk(
            clerk,
            action=Action.ADD,
            obj=reading,
            new={"meter": meter.pk, "value": value, "read_on": read_on, "reason": reading.reason},
        )
        return reading


def reading_withdraw(*, user, meter: Meter) -> Reading:
    """The resident takes back their newest reading (see queries.withdrawable_reading): it
    stays on record as withdrawn and counts no more, so the next reading is checked against the
    one before it."""
    with transaction.atomic(durable=True):
        Meter.objects.select_for_update().filter(pk=meter.pk).first()
        reading = withdrawable_reading(user, meter)
        if reading is None:
            raise ReadingRejected(
                _("This reading can no longer be withdrawn. Ask the office to correct it.")
            )
        old = reading.status
        reading.status = Reading.Status.WITHDRAWN
        reading.save(update_fields=["status"])
        _audit(reading, ReadingEvent.Action.WITHDRAWN, user, old_status=old)
        audit_record(
            action=Action.CHANGE,
            actor=user,
            obj=reading,
            resident=user,
            old={"status": old},
            new={"status": reading.status},
        )
        return reading


def reading_accept(*, reading: Reading, clerk) -> Reading:
    with transaction.atomic(durable=True):
        reading = Reading.objects.select_for_update().get(pk=reading.pk)
        if reading.status != Reading.Status.FLAGGED:
            raise ReadingRejected(_("Only a flagged reading can be accepted."))
        reading.status = Reading.Status.ACCEPTED
        reading.reviewed_by = clerk
        reading.reviewed_at = timezone.now()
        reading.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        _audit(reading, ReadingEvent.Action.ACCEPTED, clerk, old_status="flagged")
        audit_clerk(
            clerk,
            action=Action.CHANGE,
            obj=reading,
            old={"status": Reading.Status.FLAGGED},
            new={"status": reading.status},
        )
        return reading


def reading_correct(
    *, reading: Reading, value: Decimal, reason: str, clerk, read_on: date | None = None
) -> Reading:
    """Replace a reading with a staff one that says why; the residents are told."""
    reason = reason.strip()
    if not reason:
        raise ReadingRejected(_("Give the reason for the correction."), field="reason")
    with transaction.atomic(durable=True):
        Meter.objects.select_for_update().filter(pk=reading.meter_id).first()
        reading = (
            Reading.objects.select_for_update()
            .select_related("meter__premises__building")
            .get(pk=reading.pk)
        )
        if reading.status == Reading.Status.CORRECTED:
            raise ReadingRejected(_("This reading has already been corrected."))
        read_on = read_on or reading.read_on
        if _same_day(reading.meter, read_on, exclude=reading) is not None:
            raise ReadingRejected(
                _("A reading for %(day)s is already recorded; correct that reading instead.")
                % {"day": _day(read_on)},
                field="read_on",
            )
        _check_value(reading.meter, value, read_on, timezone.localdate(), exclude=reading)
        correction = _correction_store(reading, value, read_on, reason, clerk)
        _tell_corrected(reading, value, reason)
        return correction


def _correction_store(reading, value, read_on, reason, clerk) -> Reading:
    """The staff reading that replaces `reading`, which counts no more, with its timeline
    event and audit row."""
    old = reading.status
    reading.status = Reading.Status.CORRECTED
    reading.reviewed_by = clerk
    reading.reviewed_at = timezone.now()
    reading.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    correction = Reading.objects.create(
        meter=reading.meter,
        value=value,
        read_on=read_on,
        source=Reading.Source.STAFF,
        submitted_by=clerk,
        correction_of=reading,
        reason=reason,
        reviewed_by=clerk,
        reviewed_at=timezone.now(),
    )
    _audit(
        correction,
        ReadingEvent.Action.CORRECTED,
        clerk,
        corrects=reading.pk,
        old_value=_litres(reading.value),
        new_value=_litres(value),
        old_status=old,
        reason=reason,
    )
    audit_clerk(
        clerk,
        action=Action.CHANGE,
        obj=reading,
        old={"value": reading.value, "read_on": reading.read_on, "status": old},
        new={
            "value": value,
            "read_on": read_on,
            "status": reading.status,
            "correction": correction.pk,
            "reason": correction.reason,
        },
    )
    return correction


def _tell_corrected(reading, value, reason):
    """The residents of the meter's premises hear that `reading` became `value`."""
    meter = reading.meter
    link = reverse("meters:detail", args=[meter.pk])
    for user in _residents_of(meter.premises):
        notify(
            user,
            StoredText(gettext_noop("Your water meter reading was corrected")),
            StoredText(
                gettext_noop(
                    "The reading of meter %(serial)s of %(day)s was corrected from %(old)s m³ "
                    "to %(new)s m³. Reason: %(reason)s"
                ),
                {
                    "serial": meter.serial_number,
                    "day": LongDay(reading.read_on),
                    "old": Volume(reading.value),
                    "new": Volume(value),
                    "reason": reason,
                },
            ),
            link=link,
        )


# -- reminders -----------------------------------------------------------------------------------


def window_reminders_send(*, today: date | None = None) -> int:
    """Remind, once per user and window, the residents with a reading missing in a window that
    closes within METERS_REMINDER_DAYS days. Safe to run twice."""

    today = today or timezone.localdate()
    last = today + timedelta(days=settings.METERS_REMINDER_DAYS)
    sent = 0
    windows = ReadingWindow.objects.filter(
        starts_on__lte=today, ends_on__gte=today, ends_on__lte=last
    )
    for window in windows:
        premises = {meter.premises_id: meter.premises for meter in missing_meters(window)}
        users = {}
        for p in premises.values():
            for user in _residents_of(p):
                users[user.pk] = user
        reminded = set(
            ReadingReminder.objects.filter(window=window).values_list("user_id", flat=True)
        )
        for user in users.values():
            if user.pk in reminded:
                continue
            with transaction.atomic(durable=True):
                _marker, created = ReadingReminder.objects.get_or_create(user=user, window=window)
                if not created:
                    continue
                notify(
                    user,
                    StoredText(gettext_noop("Please submit your water meter readings")),
                    StoredText(
                        gettext_noop(
                            "Readings are collected until %(day)s and we do not have yours "
                            "yet. Submit them in e-BOK under Water meters."
                        ),
                        {"day": LongDay(window.ends_on)},
                    ),
                    link=reverse("meters:index"),
                    kind=Kind.METERS,
                )
                sent += 1
    return sent
