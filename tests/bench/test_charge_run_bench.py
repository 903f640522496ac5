"""Benchmark: the monthly charge run for 20,000 accounts on PostgreSQL, with `seed_demo --scale
20000 --history-months 120` (10 years of charges and payments already in the tables).
Goals: the run ≤ 10 s, a re-run of the same month ≤ 3 s. Prints the figures.

BENCH_ACCOUNTS and BENCH_HISTORY_MONTHS make it smaller for a quick look (the setup of
10 years of history takes a few minutes)."""

import io
import os
import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from billing.ledger.charge_run import charge_run_execute
from billing.models import Charge, ChargeRun
from core.dates import next_month
from tests.services import require_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
ACCOUNTS = int(os.environ.get("BENCH_ACCOUNTS", 20_000))
HISTORY_MONTHS = int(os.environ.get("BENCH_HISTORY_MONTHS", 120))
RUN_GOAL, RERUN_GOAL = 10.0, 3.0


def timed_run(period):
    run = ChargeRun.objects.create(period=period, due_day=10)
    start = time.perf_counter()
    run = charge_run_execute(run_id=run.pk, notify=False)
    return time.perf_counter() - start, run


def test_charge_run_for_20000_accounts():
    require_postgres()
    start = time.perf_counter()
    call_command(
        "seed_demo",
        "--scale",
        str(ACCOUNTS),
        "--history-months",
        str(HISTORY_MONTHS),
        stdout=io.StringIO(),
    )
    setup = time.perf_counter() - start
    history = Charge.objects.count()
    period = next_month(timezone.localdate())

    seconds, run = timed_run(period)
    again, rerun = timed_run(period)

    print(
        f"\ncharge run: {ACCOUNTS} scale accounts, {history} charges of history "
        f"({HISTORY_MONTHS} months; set-up {setup:.0f} s)\n"
        f"  run    {seconds:6.2f} s  (goal ≤ {RUN_GOAL:.0f} s): "
        f"{run.accounts_charged} accounts, {run.charges_created} charges\n"
        f"  re-run {again:6.2f} s  (goal ≤ {RERUN_GOAL:.0f} s): "
        f"{rerun.accounts_charged} accounts, {rerun.charges_created} charges"
    )
    assert run.status == "done"
    assert run.accounts_charged >= ACCOUNTS
    assert rerun.status == "done"
    assert rerun.charges_created == 0
    assert seconds <= RUN_GOAL
    assert again <= RERUN_GOAL
