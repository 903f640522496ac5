"""Demo water settlements: the water company's tariffs (a change on 1 April 2026), a half-year
plan for every demo building with meters, and the last two finished half-years settled and
posted (finished: ended, and so has the reading window of their last day, as
services.settle_from requires). Safe to run twice.

Demo story: flat 2003's cold water meter was replaced in the second half of 2025 (its
settlement counts the old meter to its final reading and the new one from its first);
`najemca` (1001) has sent no cold water reading since 1 June 2026, so the first half of 2026
is an estimate for that meter."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from accounts.models import Account, Building, User
from billing.ledger.models import Component
from billing.water import services
from billing.water.models import SettlementPlan, SettlementRun, WaterTariff
from core.dates import months_back
from demo.ledger import ENGLISH_NAMES
from meters.models import Meter, Reading

TARIFFS = [
    (date(2025, 1, 1), Decimal("8.90"), Decimal("12.10")),
    (date(2026, 4, 1), Decimal("9.30"), Decimal("12.70")),
]
ESTIMATE_ACCOUNT = "1001"
PLAN_START = date(2025, 1, 1)


def _finished_periods(today: date, building=None):
    """The last two half-years the building (else any) may settle today: (start, next
    period's start) pairs, oldest first."""
    half = date(today.year, 1 if today.month <= 6 else 7, 1)
    building = building or Building.objects.filter(water_plan__isnull=False).first()
    found = []
    for back in (18, 12, 6):
        start = months_back(half, back)
        end = months_back(start, -6)
        run = SettlementRun(building=building, period_start=start,
                            period_end=end - timedelta(days=1))
        if building is None or services.settle_from(run) <= today:
            found.append((start, end))
    return found[-2:]


def seed_water(*, today: date) -> int:
    clerk = (
        User.objects.filter(username="ksiegowa").first()
        or User.objects.filter(is_superuser=True).first()
    )
    advance = Component.objects.filter(code="water_sewage").first()
    if clerk is None or advance is None:
        return 0
    created = 0
    with transaction.atomic():
        # Written by migration billing/0010; a flushed test database has lost it.
        Component.objects.get_or_create(
            code=services.SETTLEMENT_COMPONENT,
            defaults={
                "name": "Rozliczenie wody i ścieków",
                "name_en": ENGLISH_NAMES[services.SETTLEMENT_COMPONENT],
                "order": 61,
            },
        )
        for valid_from, water, sewage in TARIFFS:
            _tariff, new = WaterTariff.objects.get_or_create(
                valid_from=valid_from,
                defaults={"water_price": water, "sewage_price": sewage,
                          "source": "Taryfa wodociągów (dane demonstracyjne)"},
            )
            created += new
        buildings = Building.objects.filter(premises__meters__isnull=False).distinct()
        for building in buildings:
            plan, new = SettlementPlan.objects.get_or_create(
                building=building, defaults={"months": 6, "first_day": PLAN_START}
            )
            if new:
                plan.advance_components.add(advance)
                created += 1
        _estimate_story(today)
    for plan in SettlementPlan.objects.filter(first_day=PLAN_START).select_related("building"):
        for start, _end in _finished_periods(today, plan.building):
            if SettlementRun.objects.filter(building=plan.building, period_start=start).exists():
                continue
            run = services.run_create(building=plan.building, period_start=start, clerk=clerk)
            created += services.run_post(run=run, clerk=clerk)
    return created


def _estimate_story(today):
    """1001's cold water meter: no reading after the last month of the period began, so its
    settlement ends on an estimate."""
    account = Account.objects.filter(number=ESTIMATE_ACCOUNT).first()
    if account is None:
        return
    # a month before the period ends
    cutoff = months_back(_finished_periods(today, account.premises.building)[-1][1], 1)
    meters = Meter.objects.filter(premises=account.premises, kind=Meter.Kind.COLD)
    Reading.objects.filter(meter__in=meters, read_on__gt=cutoff).delete()
