"""Moving the stored files to another storage: every name a FileField of any model holds is
copied from a local folder to that field's storage (the configured one: the shared bucket once
STORAGE_S3_BUCKET is set) under the same name, and checked by SHA-256. Run again, it uploads
nothing that is already there with the same content, so it is safe to repeat."""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.apps import apps
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, Storage
from django.db import models

CHUNK = 1024 * 1024


@dataclass
class CopyReport:
    names: int = 0  # distinct file names the database holds
    present: int = 0  # already stored with the same SHA-256
    uploaded: int = 0  # copied now, read back and checked (or, in a dry run, to copy)
    stored_only: int = 0  # not in the local folder, but stored
    missing: list[str] = field(default_factory=list)  # neither local nor stored
    differ: list[str] = field(default_factory=list)  # stored with other content
    failed: list[str] = field(default_factory=list)  # uploaded, but it reads back otherwise

    @property
    def ok(self) -> bool:
        return not (self.differ or self.failed)


def file_fields() -> Iterator[tuple[type[models.Model], models.FileField]]:
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField):
                yield model, f


def stored_names() -> Iterator[tuple[Storage, str]]:
    """(storage, name) of every file the database names, each once."""
    seen: set[tuple[int, str]] = set()
    for model, f in file_fields():
        rows = (
            model._base_manager.exclude(**{f.attname: ""})
            .exclude(**{f"{f.attname}__isnull": True})
            .order_by()
            .values_list(f.attname, flat=True)
            .distinct()
        )
        for name in rows.iterator():
            if (id(f.storage), name) not in seen:
                seen.add((id(f.storage), name))
                yield f.storage, name


def sha256_of(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def stored_sha256(storage: Storage, name: str) -> str:
    with storage.open(name, "rb") as handle:
        return sha256_of(handle)


def copy_from_local(folder: Path, *, dry_run: bool = False) -> CopyReport:
    """Copy every file the database names from `folder` (the old MEDIA_ROOT) to its field's
    storage under the same name, unless it is there already; compare SHA-256 of both."""
    source = FileSystemStorage(location=folder)
    report = CopyReport()
    for storage, name in stored_names():
        report.names += 1
        try:
            local = source.exists(name)
        except SuspiciousFileOperation:  # a name leading out of the folder is never read
            local = False
        if not local:
            if storage.exists(name):
                report.stored_only += 1
            else:
                report.missing.append(name)
            continue
        local_sha = stored_sha256(source, name)
        if storage.exists(name):
            if stored_sha256(storage, name) == local_sha:
                report.present += 1
            else:
                report.differ.append(name)
            continue
        report.uploaded += 1
        if dry_run:
            continue
        with source.open(name, "rb") as handle:
            saved = storage.save(name, handle)
        if saved != name or stored_sha256(storage, saved) != local_sha:
            report.failed.append(name)
            if saved != name:  # another writer took the name meanwhile: keep theirs
                storage.delete(saved)
    return report
