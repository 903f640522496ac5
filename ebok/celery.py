import os

from celery import Celery, bootsteps
from celery.signals import (
    after_setup_task_logger,
    beat_init,
    before_task_publish,
    task_failure,
    task_prerun,
    task_retry,
    worker_init,
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ebok.settings")
# Celery's Django fixup runs every system check, and ignores the result, each time it imports
# the task modules: in eager mode (make run) before every task. The start-up check below is
# the one that stops a process.
os.environ.setdefault("CELERY_SKIP_CHECKS", "1")

app = Celery("ebok")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _redbeat_settings():
    # RedBeat reads its settings by their bare names (redbeat_lock_timeout) and does not see
    # the CELERY_REDBEAT_* of ebok/settings.py through Celery's namespace.
    from django.conf import settings

    prefix = "CELERY_REDBEAT_"
    return {
        name.removeprefix("CELERY_").lower(): getattr(settings, name)
        for name in dir(settings)
        if name.startswith(prefix)
    }


app.add_defaults(_redbeat_settings)


@worker_init.connect
@beat_init.connect
def _refuse_wrong_balances(**kwargs):
    # A worker or beat that posts charges while a summary trigger is missing would leave
    # every balance behind: stop at start instead (system check billing.E001).
    # Celery logs and swallows an exception from a signal handler, so exit outright.
    import sys

    from django.core.management.base import SystemCheckError

    from billing.ledger.summary_guard import require_summary_triggers

    try:
        require_summary_triggers()
    except SystemCheckError as error:
        print(error, file=sys.stderr)
        raise SystemExit(1) from error


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Every 30 s a worker records in Redis that it is alive and which queues it takes tasks
    from (ebok/celery_monitor.py): the admin warns when a queue has no live worker."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.tref = None

    def start(self, worker):
        self.beat(worker)
        self.tref = worker.timer.call_repeatedly(
            _monitor().WORKER_HEARTBEAT_SECONDS, self.beat, (worker,), priority=10
        )

    def stop(self, worker):
        if self.tref:
            self.tref.cancel()
            self.tref = None

    def beat(self, worker):
        _monitor().worker_heartbeat(worker.hostname, worker.app.amqp.queues.consume_from)


app.steps["worker"].add(WorkerHeartbeat)


def _monitor():
    # Imported when first used: this module is imported before Django is set up.
    from ebok import celery_monitor

    return celery_monitor


@before_task_publish.connect
def _on_publish(sender=None, headers=None, **kwargs):
    if sender == "ebok.heartbeat_record":  # only beat sends it: beat's heartbeat
        _monitor().beat_heartbeat()
    from ebok.request_context import current_request_id

    request_id = current_request_id()
    if request_id and headers is not None:
        headers.setdefault("request_id", request_id)  # the worker's log lines carry it


@task_prerun.connect
def _on_task_start(task=None, **kwargs):
    if task is not None and not task.request.is_eager:
        from ebok.request_context import task_started

        task_started(getattr(task.request, "request_id", None))


@task_failure.connect
def _on_task_failure(sender=None, **kwargs):
    if sender is not None and not sender.request.is_eager:
        _monitor().task_failed(sender.name)


@task_retry.connect
def _on_task_retry(sender=None, **kwargs):
    if sender is not None and not sender.request.is_eager:
        _monitor().task_retried(sender.name)


@after_setup_task_logger.connect
def _task_logs_as_json(logger=None, **kwargs):
    # Celery gives task loggers a plain handler of their own; with LOG_FORMAT=json their
    # lines go through the root's JSON handler instead (settings.LOGGING).
    from django.conf import settings

    if logger is not None and settings.LOG_FORMAT == "json":
        logger.handlers = []
        logger.propagate = True
