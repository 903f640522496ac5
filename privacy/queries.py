from django.http import Http404

from .models import DataExport


def exports_of(user):
    return list(DataExport.objects.filter(user=user).order_by("-requested_at", "-pk")[:10])


def get_export_for_user(user, pk):
    export = DataExport.objects.filter(user=user, pk=pk).first()
    if export is None:
        raise Http404
    return export
