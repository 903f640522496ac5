"""A photo kept between the two steps of an unusual reading (submit, then confirm), so the
resident does not attach it twice. The page carries only a signed name, valid for an hour.
The same pattern, for any form that comes back with an error, is core.pending_uploads."""

import uuid

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from core import pending_uploads

MAX_AGE = 3600
FOLDER = "meters/pending"


def _salt(user):
    return f"meters.pending_photo.{user.pk}"


def keep(user, photo: ContentFile) -> str:
    name = default_storage.save(f"{FOLDER}/{uuid.uuid4().hex}.jpg", photo)
    return signing.dumps(name, salt=_salt(user))


class PhotoGone(Exception):
    """The resident attached a photo, but it is kept no longer (past MAX_AGE, or swept)."""


def take(user, token: str):
    """(name, ContentFile) of a kept photo, or (None, None) for a forged token; PhotoGone when
    the photo this user attached is no longer kept, so that the reading is not stored without
    it while the page says all went well."""
    try:
        name = signing.loads(token, salt=_salt(user), max_age=MAX_AGE)
    except signing.SignatureExpired as expired:
        raise PhotoGone from expired
    except signing.BadSignature:
        return None, None
    if not name.startswith(f"{FOLDER}/"):
        return None, None
    try:
        with default_storage.open(name, "rb") as f:
            return name, ContentFile(f.read(), name="photo.jpg")
    except FileNotFoundError as gone:
        raise PhotoGone from gone


def drop(name):
    if name:
        default_storage.delete(name)


def sweep(*, now=None) -> int:
    """Delete kept photos whose reading was never confirmed: past MAX_AGE no signed name can
    reach them. Returns how many were deleted."""
    return pending_uploads.sweep(folder=FOLDER, max_age=MAX_AGE, now=now)
