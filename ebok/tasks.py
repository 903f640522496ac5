from celery import shared_task

from core import pending_uploads

from . import celery_monitor


@shared_task(name="ebok.heartbeat_record")
def heartbeat_record():
    """Beat, every minute: beat's sending it is beat's heartbeat (ebok/celery.py); a worker's
    running it shows that beat's tasks reach the workers."""
    celery_monitor.heartbeat_task_ran()


@shared_task(name="ebok.pending_uploads_sweep")
def pending_uploads_sweep():
    """Beat, hourly: files kept across a form's error that nobody came back for are deleted."""
    return pending_uploads.sweep()
