"""Long work done by a worker, not in the web request: a job row that staff watch.

A job is a row (pending → running → done or failed) of a concrete model built on `Job`. The
request that starts it only stores the row and queues its task after commit; the worker claims
it with a conditional UPDATE (a second delivery does nothing), counts what it will do (`total`),
and moves `done` forward as it goes (`Progress`, at most once a second), so the job's page,
refreshing itself without JavaScript, shows "done of total". What failed for one item (one
building) is kept in `errors` and the job goes on with the next; what it made is in
`results` (a label and a link each). The sweeper nudges rows left pending and fails rows whose
worker stopped moving them. Without a broker (`make run`) the task runs in the request, after
the row commits, and the page shows the finished job.
"""

import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

STUCK_AFTER = timedelta(minutes=10)  # no progress this long: the worker stopped
NUDGE_AFTER = timedelta(minutes=2)
FLUSH_EVERY = 1.0  # seconds between two progress updates
REFRESH_SECONDS = 3  # the job page's refresh while the job runs


class Job(models.Model):
    """What every job row holds; a concrete model adds what its work needs."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("to do"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    results = models.JSONField(_("results"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who started it"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    moved_at = models.DateTimeField(_("last progress at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def in_progress(self) -> bool:
        return self.state in (self.State.PENDING, self.State.RUNNING)


def job_claim(model: type[Job], pk: int) -> Any:
    """The pending job `pk`, now running, or None when another worker has it or it ended."""
    now = timezone.now()
    claimed = model._default_manager.filter(pk=pk, state=Job.State.PENDING).update(
        state=Job.State.RUNNING, started_at=now, moved_at=now
    )
    return model._default_manager.get(pk=pk) if claimed else None


class Progress:
    """A running job's counters: `step()` after each item, `fail()` for an item that failed,
    `result()` for what it made; written to the row at most once a `FLUSH_EVERY`, and by
    `finish()`."""

    def __init__(self, job: Job, total: int) -> None:
        self.job = job
        self.rows = type(job)._default_manager.filter(pk=job.pk)
        job.total, job.done = total, 0
        self.rows.update(total=total, done=0, moved_at=timezone.now())
        self._flushed = time.monotonic()

    def step(self, count: int = 1) -> None:
        self.job.done += count
        if time.monotonic() - self._flushed >= FLUSH_EVERY:
            self.flush()

    def fail(self, item: str, error: str) -> None:
        self.job.errors.append({"item": item, "error": error[:2000]})
        self.flush()

    def result(self, label: str, url: str) -> None:
        self.job.results.append({"label": label, "url": url})

    def flush(self) -> None:
        self.rows.update(
            done=self.job.done,
            errors=self.job.errors,
            results=self.job.results,
            moved_at=timezone.now(),
        )
        self._flushed = time.monotonic()

    def finish(self) -> None:
        """Done: every item was tried (some may have failed, and say so in `errors`)."""
        self.flush()
        self.rows.update(state=Job.State.DONE, finished_at=timezone.now())
        self.job.state = Job.State.DONE


def job_failed(job: Job, error: str) -> None:
    """The job stopped before trying every item (what it did stays done)."""
    job.errors.append({"item": "", "error": error[:2000]})
    type(job)._default_manager.filter(pk=job.pk).update(
        state=Job.State.FAILED, errors=job.errors, results=job.results,
        done=job.done, finished_at=timezone.now(),
    )
    job.state = Job.State.FAILED


def jobs_sweep(model: type[Job], stopped: str) -> list[int]:
    """Running jobs that have not moved for STUCK_AFTER failed (their worker stopped; starting
    them again does only what is missing); returns the pending ones to nudge again."""
    now = timezone.now()
    rows = model._default_manager
    for job in rows.filter(state=Job.State.RUNNING, moved_at__lt=now - STUCK_AFTER):
        job_failed(job, stopped)
    return list(
        rows.filter(state=Job.State.PENDING, created_at__lt=now - NUDGE_AFTER)
        .order_by("pk")
        .values_list("pk", flat=True)[:100]
    )
