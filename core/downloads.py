"""Downloads: files from storage (uploads, drawn PDFs) and files made on request.

Every download answers GET and HEAD only (`download_view`): reading a file changes nothing, so
nothing else has a reason to reach it. A stored file can be gone from storage (a restore
without media, a disk mishap): the person then gets a page saying so in plain words and staff
a log line naming the file, never a traceback. A PDF that can be drawn again is queued again
instead (core.pdf_jobs).
"""

import logging

from django.contrib import messages
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

log = logging.getLogger(__name__)

# GET and HEAD only, 405 for anything else; outermost, so it answers before any other check.
download_view = require_safe


def open_stored(file: FieldFile) -> FieldFile | None:
    """The stored file opened for reading, or None (logged for staff) when storage lacks it."""
    try:
        return file.open("rb")
    except (OSError, ValueError) as error:  # ValueError: the row names no file at all
        log.error("Stored file missing: %r (%s)", file.name, error)
        return None


def missing_file_message() -> str:
    return _(
        "This file is no longer in our archive. We have recorded it for the office staff; "
        "if you need the document, write to BOK."
    )


def missing_file_page(request: HttpRequest, *, back: str | None = None) -> HttpResponse:
    """What a person sees instead of a file that is gone: a staff page goes `back` with the
    message on top, a resident gets a page of its own (404, the file is not there)."""
    if back is not None:
        messages.error(request, missing_file_message())
        return redirect(back)
    return render(
        request, "core/file_missing.html", {"message": missing_file_message()}, status=404
    )


def stored_file_response(
    request: HttpRequest,
    file: FieldFile,
    *,
    content_type: str,
    filename: str | None = None,
    as_attachment: bool = True,
    back: str | None = None,
) -> HttpResponseBase:
    """The stored `file` as a response, or missing_file_page when storage no longer has it."""
    handle = open_stored(file)
    if handle is None:
        return missing_file_page(request, back=back)
    return FileResponse(
        handle, content_type=content_type, as_attachment=as_attachment, filename=filename or ""
    )
