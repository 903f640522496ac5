"""The e-mails of accessibility to requesters: composed when the request is received, extended
or answered (accessibility.services), sent here from the outbox row's id (core.outbox;
accessibility/tasks.py sends each once)."""

from django.core.mail import send_mail

from .models import RequestEmail


def request_email_send(email_id: int) -> None:
    email = RequestEmail.objects.select_related("request").get(pk=email_id)
    send_mail(email.subject, email.body, None, [email.request.email])
