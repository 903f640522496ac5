"""Water settlement jobs (billing/water/jobs.py, core/jobs.py): the work leaves the request,
the job row keeps its state and progress, a building that fails is named on the job's page,
and what the job stores is what the in-request computation gives. Figures by hand, as in
test_water_settlement.py."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.ledger.models import Charge
from billing.water import jobs, services
from billing.water.models import PreviewLine, Settlement, SettlementJob, SettlementPlan
from core.jobs import Progress
from tests.billing.test_water_settlement import advances, building, premises_with_meters
from tests.factories import (
    AccessFactory,
    AccountFactory,
    BuildingFactory,
    CommunityFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db
__all__ = ["building"]  # the fixture, used by name
H1 = date(2026, 1, 1)


@pytest.fixture
def clerk():
    return StaffFactory(is_superuser=True)


@pytest.fixture
def queued(monkeypatch):
    """The task names the jobs queue, instead of running them."""
    names = []
    monkeypatch.setattr(jobs, "enqueue_on_commit", lambda name, *args: names.append(name))
    return names


def underpaid(building):
    """The flat of test_an_underpaid_account_gets_a_charge_of_exactly_the_difference:
    36,2 + 18,1 = 54,3 m³; 27,300 × 14,70 = 401,31 + 27,000 × 16,00 = 432,00 → 833,31 zł
    (exempt), less 6 × 120,00 = 720,00 of advances: 113,31 zł to pay."""
    premises, _cold, _hot = premises_with_meters(building, D("136.2"), D("68.1"))
    account = AccountFactory(premises=premises)
    advances(account, D("120.00"))
    return account


def overpaid(building):
    """A second flat: 10,0 + 5,0 = 15,0 m³; 15 × 91/181 = 7,541 × 14,70 = 110,85 + 7,459 ×
    16,00 = 119,34 → 230,19 zł, less 720,00: 489,81 zł credited."""
    premises, _cold, _hot = premises_with_meters(building, D("110"), D("55"), number="2")
    account = AccountFactory(premises=premises)
    advances(account, D("120.00"))
    return account


def test_a_preview_job_stores_its_state_progress_and_the_lines(
    building, clerk, queued, django_capture_on_commit_callbacks
):
    first, second = underpaid(building), overpaid(building)
    run = services.run_create(building=building, period_start=H1, clerk=clerk)
    job = jobs.job_start(kind="preview", scope="run", run=run, clerk=clerk)
    assert queued == ["billing.water_job_run"]
    job.refresh_from_db()
    assert (job.state, job.done, job.total) == ("pending", 0, 0)

    assert jobs.job_run(job.pk) == "done"
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.errors) == ("done", 2, 2, [])
    assert job.started_at <= job.finished_at
    assert job.results == [{
        "label": f"{run}: podgląd, liczba kont: 2",
        "url": reverse("admin:billing_settlementrun_preview", args=[run.pk]),
    }]
    lines = {line.account: line for line in PreviewLine.objects.filter(run=run)}
    assert (lines[first].used, lines[first].gross, lines[first].difference) == (
        D("54.3"), D("833.31"), D("113.31"),
    )
    assert (lines[second].used, lines[second].gross, lines[second].difference) == (
        D("15.0"), D("230.19"), D("-489.81"),
    )
    # the same as the computation the request used to do
    for row in services.compute(run):
        line = lines[row.account]
        assert (line.used, line.net, line.vat, line.gross, line.advances, line.new_advance) == (
            row.used, row.net, row.vat, row.gross, row.advances, row.new_advance,
        )
    assert jobs.job_run(job.pk) == "skipped"  # a second delivery does nothing


def test_a_posting_job_posts_what_run_post_would(building, clerk, queued):
    account = underpaid(building)
    run = services.run_create(building=building, period_start=H1, clerk=clerk)
    job = jobs.job_start(kind="post", scope="run", run=run, clerk=clerk)
    assert jobs.job_run(job.pk) == "done"
    assert Settlement.objects.get(account=account).difference == D("113.31")
    assert Charge.objects.get(component__code="water_settlement").amount == D("113.31")
    job.refresh_from_db()
    assert (job.done, job.total) == (1, 1)
    assert job.results[0]["label"] == f"{run}: zaksięgowane rozliczenia: 1"


def test_a_second_submit_returns_the_job_still_waiting(building, clerk, queued):
    run = services.run_create(building=building, period_start=H1, clerk=clerk)
    first = jobs.job_start(kind="post", scope="run", run=run, clerk=clerk)
    assert jobs.job_start(kind="post", scope="run", run=run, clerk=clerk) == first
    assert queued == ["billing.water_job_run"]


def test_every_building_goes_to_the_bulk_queue(building, clerk, queued):
    jobs.job_start(kind="preview", scope="all", day=H1, clerk=clerk)
    jobs.job_start(kind="preview", scope="building", building=building, day=H1, clerk=clerk)
    assert queued == ["billing.water_job_run_bulk", "billing.water_job_run"]


def test_a_building_that_fails_is_reported_and_the_others_are_done(
    building, clerk, queued, monkeypatch
):
    community = CommunityFactory()
    building.community = community
    building.save()
    account = underpaid(building)
    # A yearly plan: its period (2026) has not ended on 1 August 2026.
    yearly = BuildingFactory(street="ul. Roczna 1", community=community)
    SettlementPlan.objects.create(building=yearly, months=12, first_day=H1)
    BuildingFactory(street="ul. Bez Planu 2", community=community)  # no plan: not settled
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2026, 8, 1))

    job = jobs.job_start(kind="preview", scope="community", community=community,
                         day=date(2026, 5, 5), clerk=clerk)
    assert jobs.job_run(job.pk) == "done"
    job.refresh_from_db()
    assert [e["item"] for e in job.errors] == ["ul. Roczna 1"]
    assert "1.01.2027" in job.errors[0]["error"] or "01.01.2027" in job.errors[0]["error"]
    assert (job.done, job.total) == (1, 1)
    assert PreviewLine.objects.get().account == account


def test_the_job_page_refreshes_while_the_job_runs_and_then_links_the_results(
    building, clerk, client, queued
):
    underpaid(building)
    run = services.run_create(building=building, period_start=H1, clerk=clerk)
    job = jobs.job_start(kind="preview", scope="run", run=run, clerk=clerk)
    client.force_login(clerk)
    url = reverse("admin:billing_settlementjob_change", args=[job.pk])
    page = client.get(url).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "zadanie czeka na proces roboczy" in page

    progress = Progress(job, 20_000)  # a worker half-way through a big building
    progress.step(7_500)
    progress.flush()
    SettlementJob.objects.filter(pk=job.pk).update(state="running")
    page = client.get(url).content.decode()
    assert "Gotowe konta: 7500 z 20000" in page.replace("\xa0", "")
    assert '<meta http-equiv="refresh"' in page

    SettlementJob.objects.filter(pk=job.pk).update(state="pending", done=0)
    jobs.job_run(job.pk)
    page = client.get(url).content.decode()
    assert '<meta http-equiv="refresh"' not in page
    assert reverse("admin:billing_settlementrun_preview", args=[run.pk]) in page
    assert "Zaksięguj rozliczenia" in page  # the next step: posting


def test_strangers_residents_and_clerks_without_the_right_see_no_job_page(
    building, clerk, client, queued
):
    job = jobs.job_start(kind="preview", scope="all", day=H1, clerk=clerk)
    url = reverse("admin:billing_settlementjob_change", args=[job.pk])
    login = reverse("admin:login")
    assert client.get(url)["Location"].startswith(login)  # logged out
    client.force_login(AccessFactory().user)  # a resident
    assert client.get(url)["Location"].startswith(login)
    client.force_login(StaffFactory())  # staff without the permission
    assert client.get(url).status_code == 403
    next_url = reverse("admin:billing_settlementjob_next", args=[job.pk])
    assert client.post(next_url).status_code == 403
    assert SettlementJob.objects.count() == 1
