"""Celery tasks of resolutions: thin wrappers around services, safe to run twice."""

from celery import shared_task

from . import documents, services
from .models import Resolution


@shared_task(soft_time_limit=600, time_limit=660, name="resolutions.ended_resolutions_close")
def close_ended_resolutions():
    """Beat, every few minutes: close the votes whose window has ended."""
    return services.resolutions_close_ended()


@shared_task(soft_time_limit=300, time_limit=360, name="resolutions.resolution_documents_render")
def render_resolution_documents(resolution_id):
    resolution = Resolution.objects.filter(
        pk=resolution_id, status=Resolution.Status.CLOSED
    ).first()
    if resolution is None:
        return False
    documents.protocol_ensure(resolution)
    documents.letters_ensure(resolution)
    return True


@shared_task(name="resolutions.resolution_documents_sweep")
def sweep_resolution_documents():
    """Beat: a closed vote still without its protocol or letters a while after closing (its
    task was lost with Redis, or the worker died) is rendered again."""
    ids = services.resolutions_missing_documents()
    for pk in ids:
        render_resolution_documents.delay(pk)
    return len(ids)
