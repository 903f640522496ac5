"""The "my data" export: requested by the resident, built by a worker into a ZIP (JSON of
everything, a CSV per table, a readable PDF summary), kept PRIVACY_EXPORT_DAYS days, then
deleted by the sweeper. The row is the truth; the task is only a nudge."""

import io
import json
import logging
import zipfile
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import CSS, HTML

from core.enqueue import enqueue_on_commit
from core.spreadsheets import SpreadsheetWriter

from .collect import collect, profile_of
from .models import DataExport, export_upload_to

log = logging.getLogger(__name__)
STUCK_AFTER = timedelta(minutes=15)
NUDGE_AFTER = timedelta(minutes=2)


def export_request(*, user) -> DataExport:
    """A new export, unless one is already being prepared (a double click makes one)."""
    with transaction.atomic(durable=True):
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        running = DataExport.objects.filter(
            user=user, status__in=[DataExport.Status.PENDING, DataExport.Status.RUNNING]
        ).first()
        if running:
            return running
        export = DataExport.objects.create(user=user)
        enqueue_on_commit("privacy.data_export_build", export.pk)
    return export


def _csv(columns, rows) -> bytes:
    out = io.StringIO()
    writer = SpreadsheetWriter(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: spreadsheets read UTF-8


def summary_pdf(user, profile, tables, made_at) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "privacy/summary_pdf.html",
            {
                "profile": profile,
                "tables": tables,
                "made_at": made_at,
                "LANGUAGE_CODE": settings.LANGUAGE_CODE,
                "MANAGER_NAME": settings.MANAGER_NAME,
                "MANAGER_ADDRESS": settings.MANAGER_ADDRESS,
            },
        )
    return HTML(string=html).write_pdf(
        stylesheets=[CSS(filename=finders.find("css/pdf_document.css"))], pdf_tags=True
    )


def build_zip(user) -> bytes:
    made_at = timezone.localtime()
    profile = profile_of(user)
    tables = collect(user)
    everything = {
        "made_at": made_at.isoformat(timespec="seconds"),
        "controller": settings.MANAGER_NAME,
        "profile": profile,
        **{
            name: [dict(zip(columns, row, strict=True)) for row in rows]
            for name, (columns, rows) in tables.items()
        },
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "dane.json", json.dumps(everything, ensure_ascii=False, indent=2, default=str)
        )
        archive.writestr("profil.csv", _csv(list(profile), [list(profile.values())]))
        for name, (columns, rows) in tables.items():
            archive.writestr(f"{name}.csv", _csv(columns, rows))
        archive.writestr("podsumowanie.pdf", summary_pdf(user, profile, tables, made_at))
    return buffer.getvalue()


def export_build(*, export_id) -> str:
    """Build one waiting export: "done", "failed" or "skipped" (claimed elsewhere / done)."""
    claimed_at = timezone.now()
    if not DataExport.objects.filter(pk=export_id, status=DataExport.Status.PENDING).update(
        status=DataExport.Status.RUNNING, claimed_at=claimed_at
    ):
        return "skipped"
    mine = DataExport.objects.filter(
        pk=export_id, status=DataExport.Status.RUNNING, claimed_at=claimed_at
    )
    export = DataExport.objects.select_related("user").get(pk=export_id)
    try:
        content = build_zip(export.user)
    except Exception as exc:  # noqa: BLE001 - recorded; the resident may ask again
        log.exception("data export %s failed", export_id)
        mine.update(
            status=DataExport.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        return "failed"
    name = default_storage.save(export_upload_to(export, "export.zip"), ContentFile(content))
    now = timezone.now()
    if not mine.update(
        status=DataExport.Status.DONE,
        file=name,
        size=len(content),
        finished_at=now,
        expires_at=now + timedelta(days=settings.PRIVACY_EXPORT_DAYS),
    ):
        default_storage.delete(name)
        return "skipped"
    return "done"


def exports_sweep(*, now=None) -> dict:
    """Expired files deleted (the row stays, marked expired); stuck builds back to pending;
    returns the pending ids to nudge."""
    now = now or timezone.now()
    expired = 0
    for export in DataExport.objects.filter(status=DataExport.Status.DONE, expires_at__lte=now):
        if export.file.name:
            default_storage.delete(export.file.name)
        DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.EXPIRED, file="")
        expired += 1
    DataExport.objects.filter(
        status=DataExport.Status.RUNNING, claimed_at__lt=now - STUCK_AFTER
    ).update(status=DataExport.Status.PENDING, claimed_at=None)
    pending = list(
        DataExport.objects.filter(
            status=DataExport.Status.PENDING, requested_at__lt=now - NUDGE_AFTER
        ).values_list("pk", flat=True)[:500]
    )
    return {"expired": expired, "pending": pending}


