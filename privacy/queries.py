from django.http import Http404

from core.downloads import open_stored

from .models import DataExport


def exports_of(user):
    return list(DataExport.objects.filter(user=user).order_by("-requested_at", "-pk")[:10])


def get_export_for_user(user, pk):
    export = DataExport.objects.filter(user=user, pk=pk).first()
    if export is None:
        raise Http404
    return export


def export_file_of(export) -> bytes | None:
    """The ZIP's bytes, or None when the export is not ready, no longer kept, or its file is
    gone from storage (logged for staff)."""
    if not export.is_ready or not export.file:
        return None
    stored = open_stored(export.file)
    if stored is None:
        return None
    with stored:
        content: bytes = stored.read()
    return content
