"""Demo meters: a cold and a hot water meter in every demo flat and shop, two years of monthly
readings and a reading window open around today. Safe to run twice.

Demo story: the hot water meter of `najemca` (account 1001) shows a possible leak; the cold
water meter of flat 2003 was replaced a year ago (its old meter keeps its history)."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Account, Premises, User
from core.dates import months_back
from demo.households import demo_persons
from meters.models import Meter, Reading, ReadingWindow

MONTHS = 24
LEAK_ACCOUNT = "1001"
REPLACED_ACCOUNT = "2003"
WINDOW_DAYS = 7
D = Decimal


def _monthly_use(account: Account, kind: str) -> Decimal:
    """m³ a month. A flat: about 1.7 m³ a person (1.0 cold, 0.65 hot), which is what its water
    advance of 42,80 zł a person pays for at about 21–22 zł/m³ of water and sewage with 8% VAT
    (a flat's metered water is a supply of its own, docs/ksef.md), so the half-year
    settlements move the balance by tens of złoty, not hundreds. A shop: about 5 m³,
    which its advance (95 or 120 zł a month) pays for."""
    spread = D(int(account.number) % 7) / 20
    if account.holder_nip and account.premises.kind == Premises.Kind.RESIDENTIAL:
        return D("0.05")  # the municipality's unsold flat stands empty
    if account.premises.kind == Premises.Kind.RESIDENTIAL:
        per_person = D("1.0") if kind == Meter.Kind.COLD else D("0.65")
        return per_person * demo_persons(account.number) + spread
    base = D("2.9") if kind == Meter.Kind.COLD else D("1.5")
    return base + spread


def _readings(meter, clerk, start_value, use, months, today, leak=False):
    rows = []
    value = start_value
    for back in range(months, 0, -1):
        value += use * (3 if leak and back <= 3 else 1) + D(back % 3) / 10
        rows.append(
            Reading(
                meter=meter,
                value=value,
                read_on=months_back(today, back - 1),
                source=Reading.Source.STAFF,
                submitted_by=clerk,
            )
        )
    return rows


def seed_meters(*, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    clerk = (
        User.objects.filter(username="bok").first() or User.objects.filter(is_staff=True).first()
    )
    if clerk is None:
        return {"meters": 0, "readings": 0}
    accounts = (
        Account.objects.filter(number__regex=r"^[0-9]{4}$")
        .exclude(premises__kind=Premises.Kind.GARAGE)
        .select_related("premises")
        .order_by("number")
    )
    meters = readings = 0
    with transaction.atomic():
        for account in accounts:
            for kind, prefix in ((Meter.Kind.COLD, "ZW"), (Meter.Kind.HOT, "CW")):
                serial = f"{prefix}-{account.number}"
                meter, created = Meter.objects.get_or_create(
                    serial_number=serial,
                    defaults={
                        "premises": account.premises,
                        "kind": kind,
                        "installed_on": months_back(today, MONTHS + 1),
                        "legalisation_expires_on": months_back(today, MONTHS + 1)
                        + timedelta(days=5 * 365),
                    },
                )
                meters += created
                if meter.readings.exists():
                    continue
                use = _monthly_use(account, kind)
                leak = account.number == LEAK_ACCOUNT and kind == Meter.Kind.HOT
                if account.number == REPLACED_ACCOUNT and kind == Meter.Kind.COLD:
                    meter, new = _replace(meter, today)
                    meters += new
                    old_rows = _readings(meter.replaces, clerk, D("210"), use, MONTHS, today)
                    old_rows = [r for r in old_rows if r.read_on <= meter.installed_on]
                    rows = old_rows + _readings(meter, clerk, D("0.5"), use, 12, today)
                else:
                    rows = _readings(meter, clerk, D("100"), use, MONTHS, today, leak=leak)
                Reading.objects.bulk_create(rows)
                readings += len(rows)
        if not ReadingWindow.objects.filter(starts_on__lte=today, ends_on__gte=today).exists():
            ReadingWindow.objects.create(
                name=f"Odczyty {today:%m/%Y}",
                starts_on=today - timedelta(days=WINDOW_DAYS),
                ends_on=today + timedelta(days=WINDOW_DAYS),
            )
    return {"meters": meters, "readings": readings}


def _replace(old, today):
    """The old meter removed a year ago and a new one in its place: (new meter, created)."""
    installed = months_back(today, 12)
    new, created = Meter.objects.get_or_create(
        serial_number=f"{old.serial_number}-N",
        defaults={
            "premises": old.premises,
            "kind": old.kind,
            "installed_on": installed,
            "legalisation_expires_on": installed + timedelta(days=5 * 365),
        },
    )
    Meter.objects.filter(pk=old.pk).update(removed_on=installed, replaced_by=new)
    new.refresh_from_db()
    return new, created
