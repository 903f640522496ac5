"""Benchmark: importing a 10,000-line MT940 statement on PostgreSQL (goal ≤ 5 s), end to end:
the upload (which only stores the file) and the worker's run (read once, match, book)."""

import time
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from billing.bank.services import statement_import_run, statement_upload
from billing.models import Payment, StatementLine
from tests.billing.statements import Transfer, many_accounts, mt940
from tests.factories import StaffFactory
from tests.services import require_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
LINES = 10_000
ACCOUNTS = 5_000
GOAL_SECONDS = 5.0


def test_import_10000_lines():
    require_postgres()
    many_accounts(ACCOUNTS)
    transfers = []
    for i in range(LINES):
        number = 1_000_000 + i % ACCOUNTS
        if i % 10 == 9:  # every tenth: only the title says whose it is
            transfers.append(Transfer(Decimal("100.00"), title=f"CZYNSZ ID {number}", tnr=f"B{i}"))
        elif i % 50 == 7:  # some nobody's
            transfers.append(Transfer(Decimal("12.34"), title="WPŁATA", tnr=f"B{i}"))
        else:
            transfers.append(
                Transfer(Decimal("250.00"), iph=f"00{number:010d}", tnr=f"B{i}", title="CZYNSZ")
            )
    data = mt940(transfers).encode("cp1250")
    clerk = StaffFactory()

    started, cpu_started = time.perf_counter(), time.process_time()
    statement = statement_upload(file=SimpleUploadedFile("big.sta", data), clerk=clerk)
    uploaded = time.perf_counter()
    statement_import_run(statement_id=statement.pk)
    finished, cpu = time.perf_counter(), time.process_time() - cpu_started
    statement.refresh_from_db()

    again = statement_upload(file=SimpleUploadedFile("big.sta", data), clerk=clerk)
    second_started = time.perf_counter()
    statement_import_run(statement_id=again.pk)
    second_finished = time.perf_counter()
    again.refresh_from_db()

    total = finished - started
    print(
        f"\nstatement import: {LINES} lines, {ACCOUNTS} accounts: "
        f"upload {uploaded - started:.2f} s, worker (read, match, book) "
        f"{finished - uploaded:.2f} s, total {total:.2f} s (goal ≤ {GOAL_SECONDS} s; this "
        f"process's CPU {cpu:.2f} s); "
        f"same file again {second_finished - second_started:.2f} s"
    )
    assert statement.status == "done"
    assert statement.lines_new == LINES
    assert StatementLine.objects.count() == LINES
    assert Payment.objects.count() == statement.lines_matched == LINES - LINES // 50
    assert again.lines_new == 0
    assert again.lines_duplicate == LINES
    assert total <= GOAL_SECONDS
