"""Water settlement jobs (core/jobs.py): the preview, posting and new advances of one run, of
every building of a community or of every building with a plan, and the correction of one
document, done by a worker. A building whose run cannot be made or done is an error on the
job's page; the job goes on with the next one."""

import logging
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Building, Community
from audit.services import Action, audit_clerk
from core.enqueue import enqueue, enqueue_on_commit
from core.jobs import Progress, job_claim, job_failed, jobs_sweep

from . import services
from .models import Settlement, SettlementJob, SettlementRun

log = logging.getLogger(__name__)
TASK = "billing.water_job_run"
BULK_TASK = "billing.water_job_run_bulk"  # every building at once: the bulk queue
Kind, Scope = SettlementJob.Kind, SettlementJob.Scope


def job_start(
    *,
    kind: str,
    scope: str,
    clerk,
    run: SettlementRun | None = None,
    building: Building | None = None,
    community: Community | None = None,
    day: date | None = None,
    from_month: date | None = None,
    document: Settlement | None = None,
    reason: str = "",
) -> SettlementJob:
    """Store the job and queue it once stored; the same job still waiting or running is
    returned instead of a second one (a second submit)."""
    params = {
        "kind": kind, "scope": scope, "run": run, "building": building,
        "community": community, "day": day, "from_month": from_month, "document": document,
        "reason": reason,
    }
    with transaction.atomic():
        same = SettlementJob.objects.filter(
            **params, state__in=[SettlementJob.State.PENDING, SettlementJob.State.RUNNING]
        ).first()
        if same is not None:
            return same
        job = SettlementJob.objects.create(**params, created_by=clerk)
        audit_clerk(
            clerk, action=Action.ADD, obj=job,
            new={
                "kind": kind, "scope": scope, "run": run and run.pk,
                "building": building and building.pk, "community": community and community.pk,
                "day": day, "from_month": from_month, "document": document and document.number,
            },
        )
        enqueue_on_commit(BULK_TASK if scope == Scope.ALL else TASK, job.pk)
    return job


def job_run(job_id: int) -> str:
    """Do one waiting job; a second delivery finds it claimed and does nothing."""
    job = job_claim(SettlementJob, job_id)
    if job is None:
        return "skipped"
    try:
        if job.kind == Kind.CORRECT:
            _correct(job)
        else:
            _each_run(job)
    except Exception as exc:  # any failure is shown on the job's page
        log.exception("water settlement job %s failed", job_id)
        job_failed(job, str(exc) or exc.__class__.__name__)
    return job.state


def jobs_resume() -> list[int]:
    """The sweeper: fail jobs whose worker stopped, and queue again those left waiting."""
    ids = jobs_sweep(
        SettlementJob, _("Interrupted: the worker stopped. Start the job again: it does only "
                         "what is missing.")
    )
    for job in SettlementJob.objects.filter(pk__in=ids).only("scope"):
        enqueue(BULK_TASK if job.scope == Scope.ALL else TASK, job.pk)
    return ids


def _buildings(job: SettlementJob):
    buildings = Building.objects.filter(water_plan__isnull=False)
    if job.scope == Scope.BUILDING:
        buildings = buildings.filter(pk=job.building_id)
    elif job.scope == Scope.COMMUNITY:
        buildings = buildings.filter(community_id=job.community_id)
    return buildings.order_by("street", "pk")


def _runs(job: SettlementJob, failed: list[tuple[str, str]]) -> list[SettlementRun]:
    """The runs the job works on: its own, or each building's run of the period holding the
    job's day (made now if missing). A building whose run cannot be made goes to `failed`."""
    if job.scope == Scope.RUN:
        assert job.run is not None
        return [job.run]
    runs = []
    for building in _buildings(job):
        try:
            runs.append(
                services.run_create(building=building, period_start=job.day, clerk=job.created_by)
            )
        except services.SettlementError as exc:
            failed.append((str(building), str(exc)))
    return runs


def _size(job: SettlementJob, run: SettlementRun) -> int:
    if job.kind == Kind.ADVANCES:
        return Settlement.objects.filter(run=run, correction__isnull=True).count()
    return services.accounts_of(run).count()


def _each_run(job: SettlementJob) -> None:
    failed: list[tuple[str, str]] = []
    runs = _runs(job, failed)
    sizes = {run.pk: _size(job, run) for run in runs}
    progress = Progress(job, sum(sizes.values()))
    for item, error in failed:
        progress.fail(item, error)
    for run in runs:
        before = job.done
        try:
            label = _do(job, run, progress)
        except services.SettlementError as exc:
            progress.fail(str(run), str(exc))
        else:
            progress.result(label, reverse("admin:billing_settlementrun_preview", args=[run.pk]))
        progress.step(sizes[run.pk] - (job.done - before))  # a failed run's accounts too
    progress.finish()


def _do(job: SettlementJob, run: SettlementRun, progress: Progress) -> str:
    values = {"run": run}
    if job.kind == Kind.PREVIEW:
        values["count"] = services.preview_store(run=run, steps=progress.step)
        return _("%(run)s: preview, accounts: %(count)d") % values
    if job.kind == Kind.POST:
        values["count"] = services.run_post(run=run, clerk=job.created_by, steps=progress.step)
        return _("%(run)s: settlements posted: %(count)d") % values
    if run.status != SettlementRun.Status.POSTED:
        raise services.SettlementError(_("Post the settlements first."))
    assert job.from_month is not None
    values["count"] = services.advances_apply(
        run=run, from_month=job.from_month, clerk=job.created_by
    )
    return _("%(run)s: new advances set: %(count)d") % values


def _correct(job: SettlementJob) -> None:
    document = job.document
    assert document is not None
    progress = Progress(job, 1)
    try:
        new = services.settlement_correct(
            document=document, reason=job.reason, clerk=job.created_by
        )
    except services.SettlementError as exc:
        progress.fail(document.number, str(exc))
    else:
        progress.result(
            _("Correction %(number)s") % {"number": new.number},
            reverse("admin:billing_settlement_change", args=[new.pk]),
        )
    progress.step()
    progress.finish()
