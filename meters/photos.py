"""Photos of meters: the shared upload rules (core.uploads) with the meters' limits."""

from django.conf import settings

from core import uploads
from core.uploads import FORMATS, LONGEST_SIDE, PhotoRejected

__all__ = ["FORMATS", "LONGEST_SIDE", "PhotoRejected", "check_photo", "clean_photo"]


def check_photo(uploaded):
    """The upload judged from its header alone (a CheckedPhoto), or PhotoRejected."""
    return uploads.check_photo(
        uploaded,
        max_bytes=settings.METERS_PHOTO_MAX_BYTES,
        max_pixels=settings.METERS_PHOTO_MAX_PIXELS,
    )


def clean_photo(uploaded):
    """The uploaded file re-encoded as a plain JPEG, or PhotoRejected with a message."""
    return check_photo(uploaded).decode()
