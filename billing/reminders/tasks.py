"""Celery tasks of reminders: telling residents of posted charges and coming due dates."""

from celery import shared_task
from django.utils import timezone

from billing.reminders import services as notices


@shared_task(soft_time_limit=600, time_limit=660, name="billing.charges_posted_notify")
def charges_posted_notify(run_id):
    return notices.charges_posted_notify_run(run_id=run_id)


@shared_task(soft_time_limit=600, time_limit=660, name="billing.billing_notices_send")
def billing_notices_send():
    """Beat, daily: posted-charges notices a lost task missed, then due-date reminders."""
    today = timezone.localdate()
    return {
        "posted": notices.posted_notices_catch_up(today=today),
        "reminders": notices.due_reminders_send(today=today),
    }
