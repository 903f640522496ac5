"""Before a window closes, residents with a missing reading are reminded once."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings

from messaging.models import Notification
from meters import services
from meters.tasks import reading_reminders_send
from tests.meters.factories import MeterFactory, ReadingFactory, WindowFactory

pytestmark = pytest.mark.django_db


def closing_window(today, days=2):
    return WindowFactory(
        starts_on=today - datetime.timedelta(days=10), ends_on=today + datetime.timedelta(days=days)
    )


def test_reminder_goes_once_to_those_without_a_reading(
    owner, co_holder, account, stranger, other_account, today
):
    MeterFactory(premises=account.premises)
    done = MeterFactory(premises=other_account.premises)
    window = closing_window(today)
    ReadingFactory(meter=done, value=Decimal(5), read_on=today - datetime.timedelta(days=1))
    assert services.window_reminders_send(today=today) == 2
    assert services.window_reminders_send(today=today) == 0  # the second run tells nobody again
    assert reading_reminders_send() == 0
    reminded = Notification.objects.filter(subject__icontains="wodomierz").values_list(
        "user", flat=True
    )
    assert sorted(reminded) == sorted([owner.pk, co_holder.pk])
    assert window.reminders.count() == 2


def test_no_reminder_while_the_window_is_far_from_closing(owner, account, today):
    MeterFactory(premises=account.premises)
    closing_window(today, days=settings.METERS_REMINDER_DAYS + 1)
    assert services.window_reminders_send(today=today) == 0
    assert not Notification.objects.exists()


def test_beat_schedule_declares_the_reminder():
    entry = settings.CELERY_BEAT_SCHEDULE["meters-send-reading-reminders"]
    assert entry["task"] == reading_reminders_send.name
