import os

from celery import Celery
from celery.signals import beat_init, worker_init

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
