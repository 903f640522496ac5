"""Files a person attached to a form that came back with an error, kept for the next submit so
that nothing they attached is silently dropped.

A browser never sends a file twice: once the page comes back, the file input is empty. So the
form stores each upload that passed its field's checks in the site's storage (the shared bucket
on several nodes) and the page carries only a signed name, bound to the person (the salt holds
their id) and valid for MAX_AGE. The field shows the kept file (a thumbnail for a photo, else
its name) with a "Remove" box, and the next submit uses it as if it were sent again. No
JavaScript is involved. A name signed for someone else is ignored; a file past MAX_AGE, or
swept, is said to be gone next to its field. `sweep` deletes what nobody came back for."""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

MAX_AGE = 2 * 3600
FOLDER = "pending"
KEPT, DROP = "__kept", "__drop"
IMAGE_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG": "image/png"}


@dataclass(frozen=True)
class Kept:
    token: str
    name: str  # the file's name as the person sent it
    content_type: str  # an image type a browser shows, or ""

    @property
    def is_image(self) -> bool:
        return bool(self.content_type)


class UploadGone(Exception):
    """The person attached a file, but it is kept no longer."""


def _salt(user: Any) -> str:
    return f"core.pending_upload.{user.pk}"


def _sniff(head: bytes) -> str:
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for magic, kind in IMAGE_TYPES.items() if head.startswith(magic)), "")


def keep(user: Any, upload: File) -> Kept:
    """Store `upload` and return what the page carries to use it again."""
    upload.seek(0)
    content_type = _sniff(upload.read(12))
    upload.seek(0)
    stored = default_storage.save(f"{FOLDER}/{uuid.uuid4().hex}", upload)
    shown = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:150]
    token = signing.dumps({"n": stored, "f": shown, "t": content_type}, salt=_salt(user))
    return Kept(token, shown, content_type)


def _load(user: Any, token: str) -> dict[str, str] | None:
    """The signed values of `token`, or None when it is not this person's (or forged)."""
    try:
        values = signing.loads(token, salt=_salt(user), max_age=MAX_AGE)
    except signing.SignatureExpired as expired:
        raise UploadGone from expired
    except signing.BadSignature:
        return None
    if not isinstance(values, dict) or not str(values.get("n", "")).startswith(f"{FOLDER}/"):
        return None
    return {key: str(value) for key, value in values.items()}


def take(user: Any, token: str) -> tuple[str, Kept, ContentFile] | None:
    """(stored name, Kept, the file) of a kept upload, None for a token that is not this
    person's, or UploadGone."""
    values = _load(user, token)
    if values is None:
        return None
    try:
        with default_storage.open(values["n"], "rb") as f:
            content = ContentFile(f.read(), name=values["f"])
    except FileNotFoundError as gone:
        raise UploadGone from gone
    return values["n"], Kept(token, values["f"], values["t"]), content


def drop(user: Any, token: str) -> None:
    """Delete the kept upload of this person's `token` (another's is left alone)."""
    try:
        values = _load(user, token)
    except UploadGone:
        return
    if values is not None:
        default_storage.delete(values["n"])


def sweep(*, folder: str = FOLDER, max_age: int = MAX_AGE, now: datetime | None = None) -> int:
    """Delete the files in `folder` older than twice `max_age`: no signed name reaches them
    any more. Returns how many were deleted."""
    now = now or timezone.now()
    try:
        _folders, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return 0
    deleted = 0
    for name in names:
        path = f"{folder}/{name}"
        if (now - default_storage.get_modified_time(path)).total_seconds() > 2 * max_age:
            default_storage.delete(path)
            deleted += 1
    return deleted


@require_safe
@login_required
def preview(request: HttpRequest, token: str) -> FileResponse:
    """A kept photo, shown only to the person who attached it."""
    try:
        found = take(request.user, token)
    except UploadGone as gone:
        raise Http404 from gone
    if found is None or not found[1].is_image:
        raise Http404
    _name, kept, content = found
    return FileResponse(content, content_type=kept.content_type, as_attachment=False)


class KeepingFileInput(forms.FileInput):
    """A file input that shows the files kept from the last submit, each with "Remove", or
    says that what was sent must be attached again. KeepsUploadsForm tells it what it keeps."""

    def __init__(self, attrs: dict[str, Any] | None = None, *, multiple: bool = False) -> None:
        super().__init__(attrs)
        self.allow_multiple_selected = multiple
        self.kept_source: Callable[[], tuple[list[Kept], bool]] | None = None

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        field = super().render(name, value, attrs, renderer)
        kept, refused = self.kept_source() if self.kept_source else ([], False)
        if not (kept or refused):
            return field
        note = render_to_string(
            "core/kept_uploads.html",
            {"kept": kept, "refused": refused, "kept_name": name + KEPT, "drop_name": name + DROP},
        )
        return mark_safe(note + field)  # noqa: S308 - both rendered by templates, escaped


class KeepsUploadsForm(forms.Form):
    """A form mixin keeping the uploads of its `upload_fields` (each with a KeepingFileInput)
    across an error. Pass `uploader` (the request's user); call `uploads_done()` once the
    form's data is stored, to delete what was kept for it."""

    upload_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, uploader: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.uploader = uploader
        self._stored: dict[int, tuple[str, Kept]] = {}  # id(file) -> (stored name, Kept)
        self._gone: set[str] = set()
        for name in self.upload_fields:
            widget = self.fields[name].widget
            if isinstance(widget, KeepingFileInput):
                widget.kept_source = partial(self.kept_uploads, name)
        if self.is_bound and uploader is not None and uploader.is_authenticated:
            self.files = self._with_kept_files()

    def _with_kept_files(self) -> MultiValueDict:
        files = cast(MultiValueDict, self.files).copy()
        data = cast(MultiValueDict, self.data)
        for name in self.upload_fields:
            key = self.add_prefix(name)
            dropped = set(data.getlist(key + DROP))
            kept: list[File] = []
            for token in data.getlist(key + KEPT):
                if token in dropped:
                    drop(self.uploader, token)
                    continue
                try:
                    found = take(self.uploader, token)
                except UploadGone:
                    self._gone.add(name)
                    continue
                if found is not None:
                    stored, info, content = found
                    self._stored[id(content)] = (stored, info)
                    kept.append(content)
            self._merge(files, name, key, kept)
        return files

    def _merge(self, files: MultiValueDict, name: str, key: str, kept: list[File]) -> None:
        sent = [f for f in files.getlist(key) if f]
        widget = self.fields[name].widget
        if getattr(widget, "allow_multiple_selected", False):
            files.setlist(key, kept + sent)
        elif sent:  # a new file replaces the kept one
            self._forget(kept)
        elif kept:
            files.setlist(key, kept[-1:])
            self._forget(kept[:-1])

    def _forget(self, contents: Iterable[File]) -> None:
        for content in contents:
            stored, _info = self._stored.pop(id(content))
            default_storage.delete(stored)

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        for name in self._gone:
            self.add_error(
                name, _("A file you attached earlier is no longer kept; attach it again.")
            )
        return cleaned

    def kept_uploads(self, name: str) -> tuple[list[Kept], bool]:
        """What the page keeps of field `name`, and whether files were sent that its field
        refused (then nothing of it is kept, and the page says to attach them again). Nothing
        is kept unless the form came back with an error."""
        if not (self.is_bound and self.uploader is not None and self.errors):
            return [], False
        uploads = [f for f in cast(MultiValueDict, self.files).getlist(self.add_prefix(name)) if f]
        if name in self.errors:
            return [], bool(uploads)
        for upload in uploads:
            if id(upload) not in self._stored:
                self._stored[id(upload)] = ("", keep(self.uploader, upload))
        return [self._stored[id(upload)][1] for upload in uploads], False

    def uploads_done(self) -> None:
        """The form's data is stored: the files kept for it are not needed any more."""
        for stored, _info in self._stored.values():
            if stored:
                default_storage.delete(stored)
        self._stored.clear()
