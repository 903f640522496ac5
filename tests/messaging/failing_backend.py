from django.core import mail
from django.core.mail.backends import locmem
from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionError("mail server unreachable")


class FailsAfterFirst(locmem.EmailBackend):
    """A mail server that takes one message, then answers every other with `error`."""

    error: Exception = ConnectionError("mail server unreachable")

    def send_messages(self, email_messages):
        if mail.outbox:
            raise self.error
        return super().send_messages(email_messages)
