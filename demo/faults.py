"""Demo fault reports: `najemca` (account 1001) has a leak being repaired and a resolved
report to confirm; `wlasciciel` (account 2003) has a new report about the staircase and a
rejected one, both seen by the co-owner `wspolwlasciciel` too. Safe to run twice: a report is
found by its reporter and title, and an existing one is left alone."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Account, User
from faults.models import Category, FaultEvent, FaultReport, Place, Status

# reporter, account, place, category, title, description, days ago, status, [(kind, text)]
REPORTS = [
    (
        "najemca",
        "1001",
        Place.PREMISES,
        Category.WATER,
        "Przecieka zawór pod zlewem",
        "Od kilku dni pod zlewem w kuchni zbiera się woda, zawór kapie.",
        6,
        Status.IN_PROGRESS,
        [
            ("status", "accepted", ""),
            ("internal_note", "", "Zlecić firmie Hydro-Serwis, lokator w domu po 15:00."),
            ("status", "in_progress", "Hydraulik przyjdzie w czwartek po 15:00."),
        ],
    ),
    (
        "najemca",
        "1001",
        Place.PREMISES,
        Category.ELECTRICAL,
        "Nie działa gniazdko w pokoju",
        "Gniazdko przy oknie w dużym pokoju nie ma prądu.",
        30,
        Status.RESOLVED,
        [
            ("status", "accepted", ""),
            ("status", "resolved", "Wymieniono gniazdko."),
        ],
    ),
    (
        "wlasciciel",
        "2003",
        Place.STAIRCASE,
        Category.ELECTRICAL,
        "Nie świeci lampa na klatce",
        "Na półpiętrze między 1. a 2. piętrem nie świeci lampa.",
        1,
        Status.NEW,
        [],
    ),
    (
        "wlasciciel",
        "2003",
        Place.PREMISES,
        Category.WINDOWS_DOORS,
        "Nie domyka się okno balkonowe",
        "Okno balkonowe w sypialni nie domyka się.",
        20,
        Status.REJECTED,
        [
            (
                "status",
                "rejected",
                "Okna w lokalu wyodrębnionym naprawia właściciel, nie wspólnota.",
            ),
        ],
    ),
]


def seed_faults() -> int:
    clerk = User.objects.filter(username="bok").first()
    if clerk is None:
        return 0
    now = timezone.now()
    created = 0
    with transaction.atomic():
        for username, number, place, category, title, text, days, status, steps in REPORTS:
            reporter = User.objects.filter(username=username).first()
            account = Account.objects.filter(number=number).select_related("premises").first()
            if reporter is None or account is None:
                continue
            if FaultReport.objects.filter(reporter=reporter, title=title).exists():
                continue
            at = now - timedelta(days=days)
            report = FaultReport.objects.create(
                reporter=reporter,
                account=account,
                building_id=account.premises.building_id,
                place=place,
                premises=account.premises if place == Place.PREMISES else None,
                category=category,
                title=title,
                description=text,
                contact_phone="600100200",
                status=status,
                reject_reason=steps[-1][2] if status == Status.REJECTED else "",
                created_at=at,
                updated_at=at,
            )
            FaultEvent.objects.create(
                report=report, kind="reported", new_status="new", author=reporter, created_at=at
            )
            old = Status.NEW
            for step, (kind, new, note) in enumerate(steps, start=1):
                when = at + timedelta(hours=step * 20)
                if kind == "status":
                    FaultEvent.objects.create(
                        report=report,
                        kind=kind,
                        old_status=old,
                        new_status=new,
                        text=note,
                        author=clerk,
                        created_at=when,
                    )
                    old = new
                else:
                    FaultEvent.objects.create(
                        report=report,
                        kind=kind,
                        text=note,
                        public=False,
                        author=clerk,
                        created_at=when,
                    )
            created += 1
    return created
