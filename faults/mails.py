"""The e-mail of faults: an urgent report told to the duty inbox, composed and sent from the
report's id (core.outbox; faults/tasks.py sends it once)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from core.text import one_line

from .models import FaultReport


def duty_email_send(report_id: int) -> None:
    report = FaultReport.objects.select_related("building", "premises", "reporter").get(
        pk=report_id
    )
    with translation.override(settings.LANGUAGE_CODE):
        context = {"report": report, "site_url": settings.SITE_URL}
        subject = one_line(render_to_string("faults/email/duty_subject.txt", context))
        body = render_to_string("faults/email/duty_body.txt", context)
    send_mail(subject, body, None, settings.FAULTS_DUTY_EMAILS)
