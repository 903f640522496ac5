"""Benchmark: invoice PDFs. (1) Time per invoice PDF through our renderer (template, QR code,
WeasyPrint) against a bare WeasyPrint render of the same HTML in the same run; goal ≤ 1.15×.
(2) A month of 500 invoices rendered by a real Celery worker with 1 and with 2 processes;
goal ≥ 1.7× speed-up (bounded by the machine's cores: printed with os.cpu_count()).

BENCH_INVOICES makes (2) smaller for a quick look."""

import os
import statistics
import time

import pytest
from weasyprint import CSS, HTML

from billing.invoices import pdf as invoice_pdf
from billing.invoices.services import invoice_issue_for_month
from billing.invoices.tasks import invoice_pdf_render
from billing.models import Invoice
from ebok.celery import app
from tests.billing.invoice_factories import PERIOD, commercial_access, month_charges
from tests.services import require_postgres, require_redis
from tests.workers import start_worker, wait_for, worker_env

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
INVOICES = int(os.environ.get("BENCH_INVOICES", 500))
ROUNDS = 15
RATIO_GOAL, SPEEDUP_GOAL = 1.15, 1.7


def issue(n):
    invoices = []
    for i in range(n):
        account = commercial_access(f"bench{i:05d}").account
        month_charges(account)
        invoices.append(invoice_issue_for_month(account=account, period=PERIOD))
    return invoices


def test_renderer_overhead_against_bare_weasyprint(media):
    require_postgres()
    (invoice,) = issue(1)
    invoice = Invoice.objects.get(pk=invoice.pk)
    html = invoice_pdf.html_of(invoice)
    css_path = invoice_pdf.finders.find(invoice_pdf.STYLESHEET)
    invoice_pdf.render(invoice)  # warm up fonts and caches for both
    ours, bare = [], []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        invoice_pdf.render(Invoice.objects.get(pk=invoice.pk))
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        HTML(string=html).write_pdf(stylesheets=[CSS(filename=css_path)], pdf_tags=True)
        bare.append(time.perf_counter() - start)
    ratio = statistics.median(ours) / statistics.median(bare)
    print(
        f"\ninvoice PDF: ours {statistics.median(ours) * 1000:.0f} ms, bare WeasyPrint "
        f"{statistics.median(bare) * 1000:.0f} ms (median of {ROUNDS}); ratio {ratio:.2f} "
        f"(goal ≤ {RATIO_GOAL})"
    )
    assert ratio <= RATIO_GOAL


def run_worker(concurrency, media):
    return start_worker(
        worker_env(media=media),
        f"bench{concurrency}@%h",
        "--pool",
        "prefork",
        "--concurrency",
        str(concurrency),
    )


def test_month_of_invoices_with_one_and_two_worker_processes(media):
    require_postgres()
    require_redis()
    app.control.purge()
    start = time.perf_counter()
    invoices = issue(INVOICES)
    ids = [i.pk for i in invoices]
    print(f"\nissued {INVOICES} invoices in {time.perf_counter() - start:.1f} s")
    timings = {}
    for concurrency in (1, 2):
        app.control.purge()
        Invoice.objects.filter(pk__in=ids).update(pdf_status="pending", pdf_file="")
        for path in media.rglob("*.pdf"):
            path.unlink()
        worker = run_worker(concurrency, media)
        try:
            wait_for(lambda: app.control.ping(timeout=0.5), "the worker", timeout=60)
            start = time.perf_counter()
            for pk in ids:
                invoice_pdf_render.delay(pk)
            wait_for(
                lambda: not Invoice.objects.filter(pk__in=ids).exclude(pdf_status="done").exists(),
                f"{INVOICES} PDFs",
                timeout=3600,
            )
            timings[concurrency] = time.perf_counter() - start
        finally:
            worker.terminate()
            worker.wait(timeout=60)
        assert len(list(media.rglob("*.pdf"))) == INVOICES
    speedup = timings[1] / timings[2]
    print(
        f"{INVOICES} invoice PDFs: 1 process {timings[1]:.1f} s "
        f"({timings[1] / INVOICES * 1000:.0f} ms each), 2 processes {timings[2]:.1f} s; "
        f"speed-up {speedup:.2f}× (goal ≥ {SPEEDUP_GOAL}×; {os.cpu_count()} CPU cores, "
        "shared with whatever else runs)"
    )
    if os.cpu_count() >= 2 and speedup < SPEEDUP_GOAL:
        pytest.xfail(f"speed-up {speedup:.2f}× below the goal on this machine")
