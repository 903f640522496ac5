"""Two workers on PostgreSQL, with real threads: every statement line is booked once."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from billing.bank.services import statement_import_run, statement_upload
from billing.models import Payment, StatementImport, StatementLine
from tests.billing.statements import Transfer, mt940
from tests.factories import AccountFactory, StaffFactory
from tests.integration.test_concurrency import run_at_once
from tests.services import require_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def statement_data(accounts):
    transfers = [
        Transfer(Decimal("10.00") + i, title=f"CZYNSZ ID {account.number}", tnr=f"T{i:06d}")
        for i, account in enumerate(accounts)
    ] + [Transfer(Decimal("5.00"), title="BEZ NUMERU", tnr="T-UNKNOWN")]
    return mt940(transfers).encode()


def test_two_workers_running_one_import_book_each_line_once():
    require_postgres()
    accounts = [AccountFactory() for _ in range(30)]
    clerk = StaffFactory()
    statement = statement_upload(
        file=SimpleUploadedFile("x.sta", statement_data(accounts)), clerk=clerk
    )
    results = run_at_once([lambda: statement_import_run(statement_id=statement.pk)] * 2)
    assert sum(r is None for r in results) == 1, results  # the other found it claimed
    assert StatementLine.objects.count() == 31
    assert Payment.objects.count() == 30
    statement.refresh_from_db()
    assert (statement.status, statement.lines_new, statement.lines_matched) == ("done", 31, 30)


def test_two_uploads_of_one_file_imported_at_once_book_each_line_once():
    require_postgres()
    accounts = [AccountFactory() for _ in range(30)]
    clerk = StaffFactory()
    data = statement_data(accounts)
    first, second = (
        statement_upload(file=SimpleUploadedFile(f"{n}.sta", data), clerk=clerk) for n in "ab"
    )
    results = run_at_once(
        [lambda s=s: statement_import_run(statement_id=s.pk) for s in (first, second)]
    )
    assert all(isinstance(r, StatementImport) and r.status == "done" for r in results), results
    assert StatementLine.objects.count() == 31
    assert Payment.objects.count() == 30
    for account in accounts:
        assert Payment.objects.filter(account=account).count() == 1
    assert sum(r.lines_new for r in results) == 31
    assert sum(r.lines_duplicate for r in results) == 31
