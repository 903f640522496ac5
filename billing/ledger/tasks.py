"""Celery tasks of the ledger: the monthly charge run. Thin wrappers around services; they take
ids and are safe to run twice."""

from celery import shared_task
from django.utils import timezone

from billing.ledger import charge_run


@shared_task(soft_time_limit=600, time_limit=660, name="billing.charge_run_execute")
def charge_run_execute(run_id):
    """Do one pending run; a second delivery finds it claimed and does nothing."""
    run = charge_run.charge_run_execute(run_id=run_id)
    return run.status if run else "skipped"


@shared_task(name="billing.coming_month_charge_run_start")
def coming_month_charge_run_start():
    """Beat: on BILLING_RUN_DAY, charge next month (skipped when a run of it exists)."""
    run = charge_run.coming_month_run_start(today=timezone.localdate())
    return run.pk if run else None


@shared_task(name="billing.charge_runs_sweep")
def charge_runs_sweep():
    return len(charge_run.charge_runs_sweep())
