"""Attachments of notices and messages: a PDF, or a JPEG/PNG photo.

Photos go through the shared core.uploads (re-encoded to JPEG without EXIF, which may hold a
location); a PDF must start with the PDF signature and is stored as sent. Files get random
names and are served only through views that check who may see them.
"""

import os

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from core.uploads import PhotoRejected, clean_photo

PDF = "application/pdf"
JPEG = "image/jpeg"
MAX_PIXELS = 16_000_000


class AttachmentRejected(ValueError):
    pass


def clean_attachment(uploaded):
    """(ContentFile with a safe name, the name to show, content type) or AttachmentRejected."""
    max_bytes = settings.MESSAGING_ATTACHMENT_MAX_BYTES
    if uploaded.size > max_bytes:
        raise AttachmentRejected(
            _("The file is too large: at most %(mb)d MB.") % {"mb": max_bytes // 2**20}
        )
    shown = os.path.basename(uploaded.name or "")[:150] or "file"
    uploaded.seek(0)
    head = uploaded.read(5)
    uploaded.seek(0)
    if head == b"%PDF-":
        return ContentFile(uploaded.read(), name="attachment.pdf"), _named(shown, "pdf"), PDF
    try:
        photo = clean_photo(uploaded, max_bytes=max_bytes, max_pixels=MAX_PIXELS)
    except PhotoRejected as error:
        raise AttachmentRejected(_("Attach a PDF, JPEG or PNG file.")) from error
    return ContentFile(photo.read(), name="attachment.jpg"), _named(shown, "jpg"), JPEG


def _named(name, suffix):
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem}.{suffix}"
