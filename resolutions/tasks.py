"""Celery tasks of resolutions: thin wrappers around services, safe to run twice."""

from celery import shared_task

from . import documents, services


@shared_task(soft_time_limit=600, time_limit=660, name="resolutions.ended_resolutions_close")
def ended_resolutions_close():
    """Beat, every few minutes: close the votes whose window has ended."""
    return services.resolutions_close_ended()


@shared_task(soft_time_limit=300, time_limit=360, name="resolutions.resolution_documents_render")
def resolution_documents_render(resolution_id):
    return documents.documents_ensure(resolution_id=resolution_id)


@shared_task(name="resolutions.resolution_documents_sweep")
def resolution_documents_sweep():
    """Beat: a closed vote still without its protocol or letters a while after closing (its
    task was lost with Redis, or the worker died) is rendered again."""
    ids = services.resolutions_missing_documents()
    for pk in ids:
        resolution_documents_render.delay(pk)
    return len(ids)
