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
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.enqueue import enqueue_on_commit
from core.pdf_documents import document_pdf
from core.personal_data import MONEY, VOLUME
from core.spreadsheets import SpreadsheetWriter

from .cells import for_csv, for_json, for_people
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


def _people_rows(table):
    """Each cell as (text, whether it is a figure, aligned right)."""
    return [
        [
            (for_people(column.kind, value), column.kind in (MONEY, VOLUME))
            for column, value in zip(table.columns, row, strict=True)
        ]
        for row in table.rows
    ]


def summary_pdf(profile, tables, made_at) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        facts = [
            (column.label, for_people(column.kind, value))
            for column, value in zip(profile.columns, profile.rows[0], strict=True)
        ]
        html = render_to_string(
            "privacy/summary_pdf.html",
            {
                "facts": facts,
                "tables": [(table, _people_rows(table)) for table in tables],
                "made_at": made_at,
                "LANGUAGE_CODE": settings.LANGUAGE_CODE,
                "MANAGER_NAME": settings.MANAGER_NAME,
                "MANAGER_ADDRESS": settings.MANAGER_ADDRESS,
            },
        )
    return document_pdf(html)


def _json_rows(table):
    return [
        {c.key: for_json(c.kind, value) for c, value in zip(table.columns, row, strict=True)}
        for row in table.rows
    ]


def _csv_of(table) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        header = [str(column.label) for column in table.columns]
        rows = [
            [for_csv(c.kind, value) for c, value in zip(table.columns, row, strict=True)]
            for row in table.rows
        ]
    return _csv(header, rows)


def build_zip(user) -> bytes:
    """dane.json for programs, a CSV per table for spreadsheets, podsumowanie.pdf to read."""
    made_at = timezone.localtime()
    profile = profile_of(user)
    tables = collect(user)
    everything = {
        "made_at": made_at.isoformat(timespec="seconds"),
        "controller": settings.MANAGER_NAME,
        "profile": _json_rows(profile)[0],
        **{table.key: _json_rows(table) for table in tables},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("dane.json", json.dumps(everything, ensure_ascii=False, indent=2))
        for table in [profile, *tables]:
            archive.writestr(f"{table.file}.csv", _csv_of(table))
        archive.writestr("podsumowanie.pdf", summary_pdf(profile, tables, made_at))
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
    except Exception as exc:  # recorded; the resident may ask again
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


