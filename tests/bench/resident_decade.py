"""Ten years of a resident's life beyond money, for the page benchmarks: two water meters with
monthly readings, a letter to BOK every month or two with its answers, notifications and
notices every month, and a fault report every couple of months with its timeline. Written in
bulk; returns the newest thread, fault and meter, the pages' objects to measure."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import User
from faults.models import Category, FaultEvent, FaultReport, Place, Status
from messaging.models import Notice, NoticeDelivery, Notification, Thread, ThreadMessage
from meters.models import Meter
from tests.meters.factories import MeterFactory

from .test_meters_bench import fill

YEARS = 10
THREADS = 80  # a letter every month and a half
MESSAGES_PER_THREAD = 4
LONG_THREAD = 60  # the newest conversation went on and on
NOTIFICATIONS_PER_MONTH = 10
NOTICES = 100
FAULTS = 60
EVENTS_PER_FAULT = 5
LONG_FAULT = 40


@dataclass
class Decade:
    thread: Thread
    fault: FaultReport
    meter: Meter


def _threads(resident, account, clerk, now):
    threads = Thread.objects.bulk_create(
        Thread(
            account=account,
            topic=Thread.Topic.PAYMENTS,
            subject=f"Pytanie nr {n}",
            status=Thread.Status.CLOSED if n else Thread.Status.OPEN,
            created_by=resident,
            created_at=now - datetime.timedelta(days=45 * n + 1),
            last_activity_at=now - datetime.timedelta(days=45 * n),
            awaiting_staff=False,
        )
        for n in range(THREADS)
    )
    messages = []
    for n, thread in enumerate(threads):
        for m in range(LONG_THREAD if n == 0 else MESSAGES_PER_THREAD):
            messages.append(
                ThreadMessage(
                    thread=thread,
                    author=clerk if m % 2 else resident,
                    from_staff=bool(m % 2),
                    text=f"Wiadomość {m + 1} w sprawie nr {n}. " * 8,
                    created_at=thread.created_at + datetime.timedelta(hours=m),
                )
            )
    ThreadMessage.objects.bulk_create(messages, batch_size=1000)
    return threads[0]


def _inbox(resident, clerk, now):
    Notification.objects.bulk_create(
        (
            Notification(
                user=resident,
                subject=f"Powiadomienie {n}",
                body="Nowe naliczenie na koncie.",
                created_at=now - datetime.timedelta(days=3 * n),
                read_at=None if n < 3 else now - datetime.timedelta(days=3 * n - 1),
                email_status="sent",
            )
            for n in range(12 * YEARS * NOTIFICATIONS_PER_MONTH)
        ),
        batch_size=1000,
    )
    notices = Notice.objects.bulk_create(
        Notice(
            title=f"Ogłoszenie {n}",
            body="Przegląd przewodów kominowych.",
            audience=Notice.Audience.EVERYONE,
            status=Notice.Status.PUBLISHED,
            published_at=now - datetime.timedelta(days=36 * n),
            created_by=clerk,
        )
        for n in range(NOTICES)
    )
    NoticeDelivery.objects.bulk_create(
        NoticeDelivery(notice=notice, user=resident, email_status="skipped", read_at=now)
        for notice in notices
    )


def _faults(resident, account, clerk, now):
    reports = FaultReport.objects.bulk_create(
        FaultReport(
            reporter=resident,
            account=account,
            building_id=account.premises.building_id,
            place=Place.PREMISES,
            premises=account.premises,
            category=Category.WATER,
            title=f"Przeciek nr {n}",
            description="Kapie z zaworu pod zlewem.",
            contact_phone="600100200",
            status=Status.IN_PROGRESS if n == 0 else Status.RESOLVED,
            created_at=now - datetime.timedelta(days=60 * n + 1),
            updated_at=now - datetime.timedelta(days=60 * n),
        )
        for n in range(FAULTS)
    )
    events = []
    for n, report in enumerate(reports):
        events.append(
            FaultEvent(
                report=report, kind="reported", author=resident, created_at=report.created_at
            )
        )
        for m in range(LONG_FAULT if n == 0 else EVENTS_PER_FAULT):
            resident_turn = m % 2
            events.append(
                FaultEvent(
                    report=report,
                    kind="resident_comment" if resident_turn else "public_comment",
                    text=f"Wpis {m + 1}: hydraulik umówiony, proszę o dostęp do lokalu.",
                    author=resident if resident_turn else clerk,
                    created_at=report.created_at + datetime.timedelta(hours=m + 1),
                )
            )
    FaultEvent.objects.bulk_create(events, batch_size=1000)
    return reports[0]


def seed_decade(resident, account) -> Decade:
    now = timezone.now()
    clerk = User.objects.get(username="bok")
    meters = [MeterFactory(premises=account.premises, kind=kind) for kind in ("cold", "hot")]
    for meter in meters:
        fill(meter, resident, 12 * YEARS)
    thread = _threads(resident, account, clerk, now)
    _inbox(resident, clerk, now)
    fault = _faults(resident, account, clerk, now)
    return Decade(thread=thread, fault=fault, meter=meters[0])
