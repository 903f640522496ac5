"""Reads for resident pages: the meters of the user's own premises, or a 404."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone

from accounts.models import Premises
from accounts.queries import accounts_for_user
from core.dates import month_start, months_back

from .consumption import Leak, history_rows, monthly_consumption, possible_leak
from .models import Meter, Reading, ReadingWindow

WITHDRAW_WITHIN = timedelta(days=14)
LEGALISATION_SOON = timedelta(days=60)  # "expires within 60 days" in the meters admin
LEAK_HISTORY_DAYS = 16 * 31  # the months a leak check looks at, and a margin


def _premises_ids(user):
    return accounts_for_user(user).values("premises_id")


def _meters_for_user(user):
    return Meter.objects.filter(premises_id__in=_premises_ids(user))


def _with_last_reading(meters):
    last = (
        Reading.objects.effective().filter(meter=OuterRef("pk")).order_by("-read_on", "-created_at")
    )
    return meters.annotate(
        last_value=Subquery(last.values("value")[:1]),
        last_read_on=Subquery(last.values("read_on")[:1]),
        last_status=Subquery(last.values("status")[:1]),
    )


@dataclass
class PremisesMeters:
    premises: Premises
    meters: list = field(default_factory=list)
    window: object = None
    next_window: object = None


def meters_by_premises(user):
    """[PremisesMeters] of the user's premises with active meters, each meter with its last
    reading (`last_value`, `last_read_on`) and `leak`; a fixed number of queries."""
    today = timezone.localdate()
    groups: dict[int, PremisesMeters] = {}
    for account in accounts_for_user(user):
        groups.setdefault(account.premises_id, PremisesMeters(account.premises))
    meters = list(
        _with_last_reading(
            Meter.objects.filter(premises_id__in=groups, removed_on__isnull=True)
        ).order_by("premises_id", "kind", "serial_number")
    )
    points: dict[int, list] = {}
    since = today - timedelta(days=LEAK_HISTORY_DAYS)
    for meter_id, read_on, value in (
        Reading.objects.effective()
        .filter(meter__in=[m.pk for m in meters], read_on__gte=since)
        .order_by("meter_id", "-read_on", "-created_at")  # the history index's order
        .values_list("meter_id", "read_on", "value")
    ):
        points.setdefault(meter_id, []).append((read_on, value))
    for meter in meters:
        meter.leak = possible_leak(monthly_consumption(points.get(meter.pk, [])[::-1]))
        groups[meter.premises_id].meters.append(meter)
    buildings = [group.premises.building for group in groups.values()]
    windows = list(
        ReadingWindow.objects.filter(ends_on__gte=today)
        .filter(
            Q(building__isnull=True, community__isnull=True)
            | Q(building_id__in={b.pk for b in buildings})
            | Q(community_id__in={b.community_id for b in buildings if b.community_id})
        )
        .order_by("starts_on")
    )
    for group in groups.values():
        building = group.premises.building
        mine = [
            w
            for w in windows
            if (w.building_id is None and w.community_id is None)
            or w.building_id == building.pk
            or (w.community_id and w.community_id == building.community_id)
        ]
        group.window = next((w for w in mine if w.starts_on <= today), None)
        group.next_window = next((w for w in mine if w.starts_on > today), None)
    return [g for g in groups.values() if g.meters]


def _visible_since(user):
    """premises id → the first day the user's accounts there began: a new tenant or owner does
    not see the readings (and photos) of the people before them."""
    since: dict[int, date] = {}
    for premises_id, valid_from in accounts_for_user(user).values_list("premises_id", "valid_from"):
        since[premises_id] = min(valid_from, since.get(premises_id, valid_from))
    return since


def get_meter_for_user(user, pk):
    """The meter, with `visible_since`: the day from which this user may see its readings (the
    first day of the user's accounts in its premises), and the meters it replaced and that
    replaced it: one query."""
    since = (
        accounts_for_user(user)
        .filter(premises_id=OuterRef("premises_id"))
        .order_by("valid_from")
        .values("valid_from")[:1]
    )
    meter = (
        _meters_for_user(user)
        .select_related("premises__building", "replaced_by", "replaces")
        .annotate(visible_since=Subquery(since))
        .filter(pk=pk)
        .first()
    )
    if meter is None:
        raise Http404
    return meter


def get_reading_photo_for_user(user, pk):
    reading = (
        Reading.objects.filter(pk=pk, meter__in=_meters_for_user(user))
        .exclude(photo="")
        .select_related("meter")
        .first()
    )
    if reading is None or reading.read_on < _visible_since(user)[reading.meter.premises_id]:
        raise Http404
    return reading


@dataclass
class History:
    meter: object
    rows: list
    monthly: list
    leak: Leak | None


def meter_history(meter, since=None):
    """The readings of a meter (from `since` on) with the use between them, the monthly use and
    a leak sign."""
    found = Reading.objects.filter(meter=meter)
    if since is not None:
        found = found.filter(read_on__gte=since)
    readings = list(found.order_by("read_on", "created_at").select_related("correction_of"))
    points = [(r.read_on, r.value) for r in readings if r.status not in Reading.NOT_COUNTED]
    monthly = monthly_consumption(points)
    return History(
        meter=meter,
        rows=history_rows(readings),
        monthly=monthly,
        leak=possible_leak(monthly),
    )


HISTORY_PAGE = 24  # readings on one page of a meter's history: two years of monthly ones
CHART_MONTHS = 24  # the months the chart shows; the leak sign looks at the last 15 of them


@dataclass
class HistoryPage(History):
    page: int = 1
    older: bool = False  # there are older readings, on the next page
    newest: Reading | None = None  # the newest counted reading, when this page shows it


def _before(reading):
    same_day = Q(read_on=reading.read_on, created_at__lt=reading.created_at)
    return Q(read_on__lt=reading.read_on) | same_day


def _page_rows(found, page):
    """One page of rows, newest first, each with the use since the counted reading before it
    (which may sit on an older page): HISTORY_PAGE + 2 rows read at most."""
    start = (page - 1) * HISTORY_PAGE
    readings = list(
        found.order_by("-read_on", "-created_at").select_related("correction_of")[
            start : start + HISTORY_PAGE + 1
        ]
    )
    older = len(readings) > HISTORY_PAGE
    readings = readings[:HISTORY_PAGE][::-1]  # oldest first
    if not readings:
        return [], older
    oldest = readings[0]
    previous = (  # read_on ≤ alone lets the index stop at the first row that fits
        found.effective()
        .filter(read_on__lte=oldest.read_on)
        .filter(_before(oldest))
        .order_by("-read_on", "-created_at")
        .first()
    )
    if previous is None:
        return history_rows(readings), older
    return history_rows([previous, *readings])[:-1], older


def _recent_monthly(found, newest=None):
    """The monthly use of the last CHART_MONTHS months of the meter's counted readings (up to
    the `newest` day, so a removed meter shows its last years) and the counted reading before
    them."""
    counted = found.effective().order_by("-read_on", "-created_at")
    if newest is None:
        newest = counted.values_list("read_on", flat=True).first()
    if newest is None:
        return []
    start = months_back(month_start(newest), CHART_MONTHS + 1)
    # At most one counted reading a day: some 760 rows for the window, usually 25.
    points = list(counted.filter(read_on__gte=start).values_list("read_on", "value"))
    before = counted.filter(read_on__lt=start).values_list("read_on", "value").first()
    if before is not None:
        points.append(before)
    return monthly_consumption(points[::-1])


def meter_history_page(meter, since=None, page=1) -> HistoryPage:
    """A page of the meter's readings (from `since` on) with the use between them, and the
    monthly use of its last two years with the leak sign: rows read are bounded, however many
    years of readings the meter has."""
    found = Reading.objects.filter(meter=meter)
    if since is not None:
        found = found.filter(read_on__gte=since)
    rows, older = _page_rows(found, page)
    counted = [row.reading for row in rows if row.reading.status not in Reading.NOT_COUNTED]
    newest = counted[0] if page == 1 and counted else None
    monthly = _recent_monthly(found, newest.read_on if newest else None)
    return HistoryPage(
        meter=meter,
        rows=rows,
        monthly=monthly,
        leak=possible_leak(monthly),
        page=page,
        older=older,
        newest=newest,
    )


def withdrawable_reading(user, meter, newest: Reading | None = None) -> Reading | None:
    """The meter's newest counted reading (`newest` when the caller has read it) if this user
    sent it lately and staff have not looked at it yet: a resident may take back a mistyped
    reading (say 999 999,999) that would otherwise block every later one."""
    if newest is None:
        newest = (
            Reading.objects.effective()
            .filter(meter=meter)
            .order_by("-read_on", "-created_at")
            .first()
        )
    if (
        newest is None
        or newest.submitted_by_id != user.pk
        or newest.source != Reading.Source.RESIDENT
        or newest.reviewed_at is not None
        or newest.created_at < timezone.now() - WITHDRAW_WITHIN
    ):
        return None
    return newest


def open_window(premises, on: date):
    return (
        ReadingWindow.objects.for_premises(premises)
        .filter(starts_on__lte=on, ends_on__gte=on)
        .order_by("ends_on")
        .first()
    )


def next_window(premises, on: date):
    return (
        ReadingWindow.objects.for_premises(premises)
        .filter(starts_on__gt=on)
        .order_by("starts_on")
        .first()
    )


def missing_meters(window: ReadingWindow):
    """Active meters in the window's scope with no counted reading dated inside it."""
    meters = Meter.objects.filter(installed_on__lte=window.ends_on).exclude(
        removed_on__lt=window.starts_on
    )
    if window.building_id:
        meters = meters.filter(premises__building_id=window.building_id)
    elif window.community_id:
        meters = meters.filter(premises__building__community_id=window.community_id)
    done = Reading.objects.effective().filter(
        read_on__gte=window.starts_on, read_on__lte=window.ends_on
    )
    return (
        meters.exclude(pk__in=done.values("meter_id"))
        .select_related("premises__building")
        .order_by("premises__building__street", "premises__number", "kind")
    )


def meters_by_legalisation(state: str, today: date):
    """Meters in service whose legalisation has expired ("expired", to replace), ends within
    LEGALISATION_SOON ("soon") or later ("valid")."""
    meters = Meter.objects.filter(removed_on__isnull=True)
    soon = today + LEGALISATION_SOON
    if state == "expired":
        return meters.filter(legalisation_expires_on__lt=today)
    if state == "soon":
        return meters.filter(legalisation_expires_on__gte=today, legalisation_expires_on__lte=soon)
    if state == "valid":
        return meters.filter(legalisation_expires_on__gt=soon)
    raise ValueError(state)
