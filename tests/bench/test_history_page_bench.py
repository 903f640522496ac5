"""Benchmark: the resident's billing pages with 10 years of monthly history, paid month by month,
on PostgreSQL — a constant number of SQL queries (goal ≤ 10, the same as with one month) and
the time each page takes. Prints the figures. (An account in debt also reads its open items:
as many charges as the debt has, whatever the history's length; test_ledger_summary.py.)"""

import datetime
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone

from billing.account.services import statement_pdf_make
from billing.models import Charge, Payment, StatementPdf
from tests.factories import AccessFactory
from tests.services import require_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
YEARS = 10
COMPONENTS = [
    ("Czynsz", Decimal("512.30")),
    ("Zaliczka na centralne ogrzewanie", Decimal("141.20")),
    ("Zaliczka na wodę i ścieki", Decimal("88.15")),
    ("Zaliczka na podgrzanie wody", Decimal("46.00")),
    ("Wywóz odpadów komunalnych", Decimal("36.40")),
    ("Opłata za wodomierze", Decimal("6.50")),
]
PAGES = ["balance", "current", "history", "history_csv", "history_pdf", "pay", "pay_qr"]
QUERY_GOAL = 10


def fill(account, months):
    today = timezone.localdate().replace(day=1)
    charges, payments = [], []
    for i in range(months, 0, -1):
        year, month = divmod(today.year * 12 + today.month - 1 - i, 12)
        due = datetime.date(year, month + 1, 10)
        for title, amount in COMPONENTS:
            charges.append(
                Charge(
                    account=account,
                    title=title,
                    quantity=1,
                    unit_price=amount,
                    amount=amount,
                    vat_rate="zw",
                    due_date=due,
                    period=due.replace(day=1),
                )
            )
        payments.append(
            Payment(
                account=account,
                amount=sum((amount for _title, amount in COMPONENTS), Decimal(0)),  # in full
                paid_on=due,
                method="bank",
                title=f"Opłaty {due:%m/%Y}",
            )
        )
    Charge.objects.bulk_create(charges)
    Payment.objects.bulk_create(payments)


def measure(user, account, name):
    path = reverse(f"billing:{name}", args=[account.pk])
    if name in ("history_csv", "history_pdf"):
        path += "?rok=all"  # the downloads of every year; the page shows one year
    match = resolve(path.split("?")[0])
    request = RequestFactory().get(path)
    request.user = user
    match.func(request, *match.args, **match.kwargs)  # the steady state: caches filled
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = match.func(request, *match.args, **match.kwargs)
    elapsed = time.perf_counter() - started
    # the PDF statement: stored and queued for the pdf worker, the person sent to its page
    assert response.status_code == (302 if name == "history_pdf" else 200)
    return len(queries), elapsed


def test_billing_pages_with_ten_years_of_history(settings):
    require_postgres()
    settings.BILLING_PAGE_CACHE_SECONDS = 0  # what a page costs when its content is computed
    short = AccessFactory()
    long = AccessFactory()
    fill(short.account, 1)
    fill(long.account, YEARS * 12)
    print(
        f"\nBilling pages, {YEARS * 12} months of history "
        f"({YEARS * 12 * len(COMPONENTS)} charges, {YEARS * 12} payments):"
    )
    for name in PAGES:
        few, _ = measure(short.user, short.account, name)
        many, seconds = measure(long.user, long.account, name)
        print(f"  {name:12} {many} queries (1 month: {few}), {seconds * 1000:7.1f} ms")
        assert many == few
        assert many <= QUERY_GOAL
    statement = StatementPdf.objects.get(account=long.account, year=None)
    started = time.perf_counter()
    assert statement_pdf_make(statement_id=statement.pk) == "done"  # what the worker does
    print(f"  the worker draws the statement of all years in {time.perf_counter() - started:.1f} s")
