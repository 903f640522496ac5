"""The database row is the truth for mail that must not be lost.

A row moves pending → sending → sent (back to pending on a transient error, failed when retries
run out, or at once when sending again cannot help: a malformed message, or the mail server's
permanent 5xx refusal; staff see it as failed). A worker claims it with a conditional UPDATE,
so two workers never send one row; a periodic sweeper puts rows stuck in `sending` (a killed
worker) back to `pending` and nudges the task again. The fields are `email_status`,
`email_claimed_at` and `email_sent_at`.

An app declares the two tasks of such a model with `mail_tasks` in its tasks.py, and composes
and sends the e-mail of one row in its mails.py; only a batch sent over one connection (the
notices of messaging) writes its task out, around `deliver_batch`.
"""

import logging
import smtplib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from celery import shared_task
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
# Celery options of every mail task: retried with backoff on transient errors only.
TRANSIENT = (smtplib.SMTPException, ConnectionError, TimeoutError)
MAIL_TASK = {
    "bind": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 8,
}


class OutboxEmail(models.Model):
    """The fields of a row whose e-mail must not be lost. A model with more statuses than
    pending, sending, sent and failed declares its own `email_status` with them."""

    email_status = models.CharField(_("e-mail status"), max_length=10, default=PENDING)
    email_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    email_sent_at = models.DateTimeField(_("e-mail sent at"), null=True, blank=True)

    class Meta:
        abstract = True


STUCK_AFTER = timedelta(minutes=10)
NUDGE_AFTER = timedelta(minutes=2)


def claim(model: type[models.Model], pk: int) -> bool:
    """Take the row for sending; False when another worker has it or it is done."""
    return bool(
        model._default_manager.filter(pk=pk, email_status=PENDING).update(
            email_status=SENDING, email_claimed_at=timezone.now()
        )
    )


def finish(model: type[models.Model], pk: int, status: str) -> None:
    values: dict[str, object] = {"email_status": status}
    if status == SENT:
        values["email_sent_at"] = timezone.now()
    model._default_manager.filter(pk=pk, email_status=SENDING).update(**values)


def overdue_ids(model: type[models.Model], created_field: str) -> list[int]:
    """Release rows whose worker died; return the ids that waited too long for a worker."""
    now = timezone.now()
    rows = model._default_manager
    rows.filter(email_status=SENDING, email_claimed_at__lt=now - STUCK_AFTER).update(
        email_status=PENDING
    )
    return list(
        rows.filter(
            email_status=PENDING, **{f"{created_field}__lt": now - NUDGE_AFTER}
        ).values_list("pk", flat=True)[:1000]
    )


def is_permanent(error: BaseException) -> bool:
    """Whether sending the same message again cannot succeed: anything but a network or SMTP
    trouble (a header with a line break, a bad address), or the server's 5xx answer."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return not isinstance(error, TRANSIENT)


def deliver(task: Any, model: type[models.Model], pk: int, send: Callable[[], object]) -> str:
    """The body of a mail task: claim the row, call `send()`, mark it sent. On a transient error
    the row waits for the task's retry (failed after the last one) and the error goes to Celery;
    on a permanent one it is failed at once and nothing is retried."""
    if not claim(model, pk):
        return "skipped"
    try:
        send()
    except Exception as error:
        if is_permanent(error):
            finish(model, pk, FAILED)
            # The kind of error only: the message may hold personal data.
            log.warning("%s %s: e-mail failed for good (%s)", model.__name__, pk, type(error))
            return "failed"
        final = task.request.retries >= task.max_retries
        finish(model, pk, FAILED if final else PENDING)
        raise
    finish(model, pk, SENT)
    return "sent"


def deliver_batch(
    task: Any,
    ids: list[int],
    send: Callable[[list[int]], Any],
    finish: Callable[[list[int], str], object],
) -> int:
    """The body of a mail task that sends the claimed rows `ids` over one connection:
    `send(ids)` loads the rows and returns an iterator that sends their e-mails, yielding each
    row's id once its e-mail is gone; `finish(ids, status)` marks rows. What was sent is sent;
    on an error the rest go as in `deliver`. Returns how many were sent."""
    if not ids:
        return 0
    sending = send(ids)
    sent = []
    try:
        for pk in sending:
            sent.append(pk)
    except Exception as error:
        finish(sent, SENT)
        permanent = is_permanent(error)
        final = permanent or task.request.retries >= task.max_retries
        done = set(sent)
        finish([pk for pk in ids if pk not in done], FAILED if final else PENDING)
        if permanent:
            return len(sent)
        raise
    finish(sent, SENT)
    return len(sent)


def mail_tasks(
    send_name: str,
    sweep_name: str,
    *,
    model: type[models.Model],
    created_field: str,
    send: Callable[[int], object],
    **options: Any,
) -> tuple[Any, Any]:
    """The two Celery tasks of an outbox model, for its app's tasks.py:

    - `send_name(pk)` sends the e-mail of one row with `send(pk)` through `deliver`: once, with
      MAIL_TASK's retries (`options` override them);
    - `sweep_name()`, on beat, gives back the rows of dead workers and queues again those that
      waited since `created_field` too long.

    Each task's function is named after the last part of its Celery name, and the tasks module
    binds it to that name: `a_send, as_sweep = mail_tasks("app.a_send", "app.as_sweep", …)`."""

    def send_one(self: Any, pk: int) -> Any:
        return deliver(self, model, pk, lambda: send(pk))

    def sweep() -> int:
        ids = overdue_ids(model, created_field)
        for pk in ids:
            send_task.delay(pk)
        return len(ids)

    what = model.__name__
    _name(send_one, send_name, f"Send the e-mail of one {what}; run twice, it sends once.")
    _name(sweep, sweep_name, f"Beat: queue again the e-mails of {what} that wait too long.")
    send_task = shared_task(**{**MAIL_TASK, **options}, name=send_name)(send_one)
    sweep_task = shared_task(name=sweep_name)(sweep)
    return send_task, sweep_task


def _name(function: Callable[..., Any], task_name: str, doc: str) -> None:
    function.__name__ = function.__qualname__ = task_name.rpartition(".")[2]
    function.__doc__ = doc
