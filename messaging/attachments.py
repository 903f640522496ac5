"""Attachments of notices and messages: a PDF, or a JPEG/PNG photo.

Photos go through the shared core.uploads (re-encoded to JPEG without EXIF, which may hold a
location); a PDF must be a whole PDF (signature, version, end-of-file marker) without scripts,
automatic actions, launched programs or embedded files, and is stored as sent. Files get random
names and are served, as downloads, only through views that check who may see them.
"""

import os
import re

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from core.downloads import stored_file_response
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
        content = uploaded.read()
        check_pdf(content)
        return ContentFile(content, name="attachment.pdf"), _named(shown, "pdf"), PDF
    try:
        photo = clean_photo(uploaded, max_bytes=max_bytes, max_pixels=MAX_PIXELS)
    except PhotoRejected as error:
        raise AttachmentRejected(_("Attach a PDF, JPEG or PNG file.")) from error
    return ContentFile(photo.read(), name="attachment.jpg"), _named(shown, "jpg"), JPEG


# Names of PDF features that make a document act rather than show: scripts, actions run on
# opening, launching programs, embedded files, forms that submit, rich media.
ACTIVE_PDF = re.compile(
    rb"/(JavaScript|JS|OpenAction|AA|Launch|EmbeddedFile|SubmitForm|ImportData|RichMedia|XFA)\b"
)
_VERSION = re.compile(rb"^%PDF-[12]\.[0-9]")


def check_pdf(content: bytes) -> None:
    """AttachmentRejected unless `content` looks like a whole, passive PDF."""
    if not _VERSION.match(content[:16]):
        raise AttachmentRejected(_("The PDF file is damaged: it has no valid header."))
    if b"%%EOF" not in content[-2048:]:
        raise AttachmentRejected(_("The PDF file is incomplete: its end is missing."))
    # Names may be written with #xx escapes (/J#61vaScript); undo them before looking.
    plain = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), content)
    if ACTIVE_PDF.search(plain):
        raise AttachmentRejected(
            _(
                "The PDF contains scripts, actions or embedded files, which we do not accept. "
                "Print it to PDF again or attach a photo of the document."
            )
        )


def attachment_response(request, file, name, content_type, *, back=None):
    """An uploaded file is always saved, never opened in the page: what one person uploads
    must not run in another's browser (a PDF may carry scripts). The sandbox CSP stands guard
    should a browser open it anyway. A file gone from storage is a page saying so."""
    response = stored_file_response(
        request, file, content_type=content_type, filename=name, back=back
    )
    if response.status_code == 200:
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def _named(name, suffix):
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem}.{suffix}"
