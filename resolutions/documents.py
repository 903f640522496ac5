"""The protocol of a vote and the result letters as PDFs (WeasyPrint), one seam each:
render_*(resolution) -> (filename, content_type, bytes). Stored once, regenerated if missing."""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import CSS, HTML

from .models import Ballot, Resolution, ResultNotice
from .tally import tally

STYLESHEET = "css/resolution_pdf.css"


def _pdf(template, context):
    # The community's documents are Polish, words and figures ("28,21%"), whoever asks first
    # (a clerk reading the panel in English draws the protocol too).
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            template,
            {
                **context,
                "LANGUAGE_CODE": translation.get_language(),
                "MANAGER_NAME": settings.MANAGER_NAME,
                "MANAGER_ADDRESS": settings.MANAGER_ADDRESS,
                "generated_at": timezone.localtime(),
            },
        )
    return HTML(string=html).write_pdf(
        stylesheets=[CSS(filename=finders.find(STYLESHEET))], pdf_tags=True
    )


def _slug(resolution):
    return resolution.number.replace("/", "-")


def ballot_rows(resolution):
    return list(
        Ballot.objects.filter(resolution=resolution)
        .select_related("current__vote")
        .order_by("premises_label", "pk")
    )


def render_protocol(resolution):
    context = {
        "resolution": resolution,
        "tally": tally(resolution),
        "ballots": ballot_rows(resolution),
        "notices": list(ResultNotice.objects.filter(resolution=resolution)),
    }
    pdf = _pdf("resolutions/protocol_pdf.html", context)
    return f"protokol-{_slug(resolution)}.pdf", "application/pdf", pdf


def render_letters(resolution):
    notices = list(
        ResultNotice.objects.filter(resolution=resolution, channel=ResultNotice.Channel.LETTER)
    )
    pdf = _pdf(
        "resolutions/letters_pdf.html",
        {"resolution": resolution, "notices": notices, "tally": tally(resolution)},
    )
    return f"zawiadomienia-{_slug(resolution)}.pdf", "application/pdf", pdf


def _ensure(resolution, field, render):
    stored = getattr(resolution, field)
    if stored and stored.storage.exists(stored.name):
        return stored
    filename, _type, content = render(resolution)
    getattr(resolution, field).save(filename, ContentFile(content), save=False)
    Resolution.objects.filter(pk=resolution.pk).update(**{field: getattr(resolution, field).name})
    return getattr(resolution, field)


def protocol_ensure(resolution):
    """The stored protocol of a closed vote, rendered now if it is missing."""
    if resolution.status != Resolution.Status.CLOSED:
        raise ValueError("only a closed vote has a protocol")
    return _ensure(resolution, "protocol", render_protocol)


def letters_ensure(resolution):
    if resolution.status != Resolution.Status.CLOSED:
        raise ValueError("only a closed vote has result letters")
    return _ensure(resolution, "letters", render_letters)


def documents_ensure(*, resolution_id) -> bool:
    """The protocol and result letters of a closed vote, rendered if missing (the worker's part
    after closing); False when the vote is not closed."""
    resolution = Resolution.objects.filter(
        pk=resolution_id, status=Resolution.Status.CLOSED
    ).first()
    if resolution is None:
        return False
    protocol_ensure(resolution)
    letters_ensure(resolution)
    return True
