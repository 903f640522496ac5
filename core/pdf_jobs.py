"""Rendering and storing PDFs (invoices, certificates, …): the row is the truth, the task only
a nudge.

A worker claims a row with a conditional UPDATE (pending → rendering, stamped with the time);
only the claimant renders, and it stores its file only if the row is still its claim. A worker
killed mid-render leaves the row in `rendering`; the sweeper gives it back to `pending` after
STUCK_AFTER and nudges every pending row, so each invoice ends with exactly one stored PDF.
A stored PDF is not rendered again on request; only a change of what it shows does that (an
invoice's KSeF number): pdf_redo, after which a render under way loses its claim and throws
its file away.

A row keeps naming its last file until a new render replaces it (pdf_again and pdf_redo only
set it pending), and the render that stores the new file deletes the old one: a row drawn
twice leaves one file in storage, not two. Files go through the row's storage (local disk or
the shared bucket, ebok/settings.py), never a path.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.downloads import open_stored
from core.enqueue import enqueue_on_commit

log = logging.getLogger(__name__)
STUCK_AFTER = timedelta(minutes=10)  # well above the task's hard time limit
NUDGE_AFTER = timedelta(minutes=2)
SWEEP_LIMIT = 1000


class PdfStatus(models.TextChoices):
    """A stored PDF's state, the same for every row a worker draws."""

    PENDING = "pending", _("waiting")
    RENDERING = "rendering", _("rendering")
    DONE = "done", _("ready")
    FAILED = "failed", _("failed")


def pdf_make(
    model: type[models.Model],
    pk: int,
    render: Callable[[Any], tuple[str, str, bytes]],
    upload_to: Callable[[Any, str], str],
    *,
    related: tuple[str, ...] = (),
) -> str:
    """Render and store one waiting PDF of `model` (a row with pdf_status, pdf_claimed_at,
    pdf_file, pdf_error): "done", "failed" or "skipped" (another worker has it, or it is
    stored already). `render(row) -> (filename, content_type, bytes)`."""
    claimed_at = timezone.now()
    claimed = model._default_manager.filter(pk=pk, pdf_status="pending").update(
        pdf_status="rendering", pdf_claimed_at=claimed_at
    )
    if not claimed:
        return "skipped"
    mine = model._default_manager.filter(pk=pk, pdf_status="rendering", pdf_claimed_at=claimed_at)
    row: Any = model._default_manager.select_related(*related).get(pk=pk)
    previous = row.pdf_file.name  # an earlier render's file, replaced by this one
    try:
        filename, _content_type, content = render(row)
    except Exception as exc:  # any failure is recorded for staff to see
        log.exception("%s %s: PDF failed", model._meta.model_name, row)
        mine.update(pdf_status="failed", pdf_error=str(exc)[:2000])
        return "failed"
    storage = row.pdf_file.storage
    name = storage.save(upload_to(row, filename), ContentFile(content))
    if not mine.update(pdf_status="done", pdf_file=name, pdf_error=""):
        storage.delete(name)  # the sweeper gave the row to another worker meanwhile
        return "skipped"
    if previous and previous != name:
        storage.delete(previous)
    return "done"


def pdfs_sweep(model: type[models.Model], *, now: datetime | None = None) -> list[int]:
    """Rows stuck in rendering go back to pending; returns the ids of pending rows to nudge."""
    now = now or timezone.now()
    rows = model._default_manager
    rows.filter(pdf_status="rendering", pdf_claimed_at__lt=now - STUCK_AFTER).update(
        pdf_status="pending", pdf_claimed_at=None
    )
    return list(
        rows.filter(pdf_status="pending", issued_at__lt=now - NUDGE_AFTER)
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )


def pdf_stored(row: Any) -> bool:
    """The row's PDF is rendered and its file is still in storage."""
    name = row.pdf_file.name
    return row.pdf_status == "done" and bool(name) and row.pdf_file.storage.exists(name)


def pdf_again(model: type[models.Model], row: Any, task_name: str) -> bool:
    """Queue a row's PDF once more when it is missing (never rendered, failed, or its file
    gone); a stored one is never redone, and one a worker is rendering is left to it (the
    sweeper takes it back if that worker died). True when queued."""
    if pdf_stored(row) or row.pdf_status == "rendering":
        return False
    with transaction.atomic():
        model._default_manager.filter(pk=row.pk, pdf_status=row.pdf_status).update(
            pdf_status="pending", pdf_error=""
        )
        enqueue_on_commit(task_name, row.pk)
    return True


def pdf_redo(model: type[models.Model], pk: int, task_name: str) -> None:
    """Draw a row's PDF again because what it shows changed. The old file is no longer
    served (the row is pending) and the new render deletes it, so the row keeps one PDF."""
    model._default_manager.filter(pk=pk).update(pdf_status="pending", pdf_error="")
    enqueue_on_commit(task_name, pk)


def stored_pdf_response(row: Any, filename: str) -> HttpResponse | None:
    """The stored PDF as a download named `filename`, or None when its file is gone."""
    stored = open_stored(row.pdf_file)
    if stored is None:
        return None
    with stored:
        response = HttpResponse(stored.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def stored_pdf_or_again(
    row: Any, filename: str, again: Callable[[], object]
) -> HttpResponse | None:
    """The download of a row's PDF: the stored file, or, when it is missing (never drawn,
    failed, or its file gone from storage), `again()` queues it and None says "not ready
    yet". Without a broker (make run) the queued render has run by the time `again()`
    returns, so the first download already gets the file."""
    response = stored_pdf_response(row, filename) if pdf_stored(row) else None
    if response is None:
        again()
        row.refresh_from_db(fields=["pdf_status", "pdf_file"])
        if pdf_stored(row):
            response = stored_pdf_response(row, filename)
    return response
