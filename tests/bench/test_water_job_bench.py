"""Benchmark: the staff flow of one water settlement of 20,000 premises (the data of
test_water_settlement_bench.py) with the work in a real Celery worker: the start, the job
pages refreshing while it runs, the preview pages, the CSV and the posting. Goals: the posting
job ≤ 120 s with its progress seen moving, and no web request over 1 s. Prints the figures.

BENCH_WATER_PREMISES makes it smaller for a quick look."""

import re
import time
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from billing.water.models import PreviewLine, Settlement, SettlementJob
from tests.bench.test_water_settlement_bench import PREMISES, setup_building
from tests.clients import Client
from tests.services import require_postgres, require_redis
from tests.workers import running_worker, worker_env

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]
JOB_GOAL, REQUEST_GOAL = 120.0, 1.0
PROGRESS = re.compile(r'<progress id="job-progress" max="(\d+)" value="(\d+)"')


class Timed:
    """The staff's browser: every request timed."""

    def __init__(self, client):
        self.client, self.times = client, []

    def __call__(self, method, url, data=None):
        start = time.perf_counter()
        response = getattr(self.client, method)(url, data or {})
        self.times.append((time.perf_counter() - start, method.upper(), url))
        return response


def watch(browser, job_id):
    """Refresh the job's page as the browser would (every 3 s) until the job ends; returns
    the (done, total) each refresh showed."""
    url = reverse("admin:billing_settlementjob_change", args=[job_id])
    seen = []
    while True:
        page = browser("get", url).content.decode()
        found = PROGRESS.search(page)
        if found:
            seen.append((int(found[2]), int(found[1])))
        if 'http-equiv="refresh"' not in page:
            return seen
        time.sleep(3)


def test_a_settlement_job_of_20000_premises_leaves_every_request_short(media):
    require_postgres()
    require_redis()
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    building, clerk = setup_building()
    client = Client()
    client.force_login(clerk)
    browser = Timed(client)
    # The jobs' queues only: the documents' PDFs (queued after posting) are another benchmark.
    with running_worker(worker_env(media=media), "bench@%h", "-Q", "default,bulk"):
        browser("post", reverse("admin:billing_settlementrun_add"),
                {"building": building.pk, "day": H1.isoformat()})
        preview = SettlementJob.objects.get(kind="preview")
        preview_seen = watch(browser, preview.pk)
        run_url = reverse("admin:billing_settlementrun_preview", args=[preview.run_id])
        browser("get", run_url)
        browser("get", run_url + "?p=50")
        browser("get", reverse("admin:billing_settlementrun_csv", args=[preview.run_id]))
        browser("post", reverse("admin:billing_settlementrun_post", args=[preview.run_id]))
        posting = SettlementJob.objects.get(kind="post")
        posting_seen = watch(browser, posting.pk)
    preview.refresh_from_db()
    posting.refresh_from_db()
    preview_took = (preview.finished_at - preview.started_at).total_seconds()
    posting_took = (posting.finished_at - posting.started_at).total_seconds()
    slowest = max(browser.times)
    print(
        f"\nwater settlement job: {PREMISES} premises in a worker\n"
        f"  preview job {preview_took:6.1f} s, {_shown(preview_seen)}\n"
        f"  posting job {posting_took:6.1f} s  (goal ≤ {JOB_GOAL:.0f} s), "
        f"{_shown(posting_seen)}\n"
        f"  {len(browser.times)} web requests, slowest {slowest[0] * 1000:.0f} ms "
        f"({slowest[1]} {slowest[2]}; goal ≤ {REQUEST_GOAL * 1000:.0f} ms)"
    )
    assert (preview.state, posting.state) == ("done", "done")
    assert PreviewLine.objects.filter(run_id=preview.run_id).count() == PREMISES
    assert Settlement.objects.filter(run_id=preview.run_id).count() == PREMISES
    assert posting.errors == []
    # progress was shown moving, not only at the end
    assert len({done for done, _total in posting_seen}) >= 2
    assert posting_took <= JOB_GOAL
    assert slowest[0] <= REQUEST_GOAL


H1 = date(2026, 1, 1)


def _shown(seen):
    steps = sorted({done for done, _total in seen})
    return f"{len(seen)} refreshes showed {len(steps)} counts ({', '.join(map(str, steps))})"
