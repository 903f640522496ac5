"""Billing's background work done by a real Celery worker (Redis broker, PostgreSQL): a bank
statement uploaded by a clerk is booked, and a month's charge run charges the account and tells
its resident by e-mail exactly once."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from billing.bank.services import statement_upload
from billing.ledger.charge_run import charge_run_start
from billing.ledger.deadlines import deadline
from billing.models import Charge, ChargeRun, Component, Payment, StatementImport
from messaging.models import Notification
from tests.billing.factories import FeeFactory
from tests.billing.statements import DATA
from tests.factories import AccountFactory, StaffFactory
from tests.workers import messages_in, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_worker_books_an_uploaded_statement(worker, settings, tmp_path):
    clerk = StaffFactory(groups=["Księgowość"])
    account = AccountFactory(number="0012345")
    data = (DATA / "mt940_mbank_iph_cp1250.sta").read_bytes()
    statement = statement_upload(file=SimpleUploadedFile("wyciag.sta", data), clerk=clerk)
    wait_for(
        lambda: StatementImport.objects.filter(pk=statement.pk, status="done").exists(),
        "the worker to import the statement",
    )
    payment = Payment.objects.get(account=account)
    assert payment.amount == Decimal("450.00")
    assert payment.statement_line.statement_id == statement.pk


def test_worker_runs_the_month_and_mails_the_resident_once(worker, mailbox, owner, account):
    # A transactional test starts without the data migrations' rows.
    rent, _ = Component.objects.get_or_create(code="rent", defaults={"name": "Czynsz"})
    FeeFactory(
        account=account, component=rent, unit_price=Decimal("10.0000"), quantity=Decimal("48.50")
    )
    period = timezone.localdate().replace(day=1)
    run = charge_run_start(period=period, due_day=10)
    wait_for(
        lambda: ChargeRun.objects.filter(pk=run.pk, status="done").exists(),
        "the worker to finish the charge run",
        timeout=60,
    )
    charge = Charge.objects.get(account=account, period=period)
    assert charge.amount == Decimal("485.00")
    assert charge.due_date == deadline(period.replace(day=10))  # the 10th or the next working day
    wait_for(
        lambda: Notification.objects.filter(user=owner, email_status="sent").exists(),
        "the resident's e-mail",
        timeout=60,
    )
    # The same month run again adds nothing and tells nobody twice.
    again = charge_run_start(period=period, due_day=10, again=True)
    wait_for(
        lambda: ChargeRun.objects.filter(pk=again.pk, status="done").exists(),
        "the second run",
        timeout=60,
    )
    assert Charge.objects.filter(account=account, period=period).count() == 1
    assert Notification.objects.filter(user=owner).count() == 1
    assert [m["To"] for m in messages_in(mailbox)] == [owner.email]
