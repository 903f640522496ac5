"""Celery tasks of faults: the duty e-mail of an urgent report. The row's `email_status` is the
truth (core.outbox): run twice, the task sends once; a sweeper nudges what waited too long."""


from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from core import outbox
from core.text import one_line

from .models import FaultReport


@shared_task(**{**outbox.MAIL_TASK, "retry_backoff_max": 300}, name="faults.duty_email_send")
def send_duty_email(self, report_id):
    def send():
        report = FaultReport.objects.select_related("building", "premises", "reporter").get(
            pk=report_id
        )
        with translation.override(settings.LANGUAGE_CODE):
            context = {"report": report, "site_url": settings.SITE_URL}
            subject = one_line(render_to_string("faults/email/duty_subject.txt", context))
            body = render_to_string("faults/email/duty_body.txt", context)
        send_mail(subject, body, None, settings.FAULTS_DUTY_EMAILS)

    return outbox.deliver(self, FaultReport, report_id, send)


@shared_task(name="faults.duty_emails_sweep")
def sweep_unsent_duty_emails():
    ids = outbox.overdue_ids(FaultReport, "created_at")
    for pk in ids:
        send_duty_email.delay(pk)
    return len(ids)
