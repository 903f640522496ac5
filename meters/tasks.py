"""Celery tasks of meters: thin wrappers around services, safe to run twice."""

from celery import shared_task
from django.utils import timezone

from . import pending, services


@shared_task(soft_time_limit=600, time_limit=660, name="meters.reading_reminders_send")
def reading_reminders_send():
    """Beat, daily: remind residents whose readings are missing before a window closes."""
    return services.window_reminders_send(today=timezone.localdate())


@shared_task(name="meters.pending_photos_sweep")
def pending_photos_sweep():
    """Beat, hourly: photos kept for a reading that was never confirmed are deleted."""
    return pending.sweep()
