"""A water settlement posted by a clerk: a real Celery worker (Redis broker, PostgreSQL)
renders the run's PDFs and e-mails the holder, each once; a settlement job started by a
request is done by the worker."""

import datetime
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from billing.models import Component, VatRule
from billing.water import jobs, services
from billing.water.models import Settlement, SettlementJob, SettlementPlan, WaterTariff
from messaging.models import Notification
from tests.factories import StaffFactory
from tests.meters.factories import MeterFactory, ReadingFactory
from tests.workers import messages_in, subject, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_worker_renders_the_pdf_and_mails_the_holder(worker, mailbox, owner, account):
    # A transactional test starts without the data migrations' rows.
    advance, _ = Component.objects.get_or_create(code="water_sewage", defaults={"name": "Woda"})
    Component.objects.get_or_create(code="water_settlement", defaults={"name": "Rozliczenie"})
    # The migrations' VAT rules are there or not, by what ran before in this process: one rule
    # for the account's kind, the 8% a flat's water bears by default (docs/ksef.md).
    VatRule.objects.filter(component=advance).delete()
    VatRule.objects.create(component=advance, account_kind=account.kind,
                           valid_from=datetime.date(2000, 1, 1), vat_rate="8")
    plan = SettlementPlan.objects.create(building=account.premises.building,
                                         first_day=datetime.date(2026, 1, 1))
    plan.advance_components.add(advance)
    WaterTariff.objects.create(valid_from=datetime.date(2025, 1, 1), water_price=Decimal("6.50"),
                               sewage_price=Decimal("8.20"))
    meter = MeterFactory(premises=account.premises)
    ReadingFactory(meter=meter, value=Decimal("100"), read_on=datetime.date(2025, 12, 31))
    ReadingFactory(meter=meter, value=Decimal("110"), read_on=datetime.date(2026, 6, 30))
    clerk = StaffFactory(is_superuser=True)
    run = services.run_create(building=plan.building, period_start=datetime.date(2026, 1, 1),
                              clerk=clerk)
    assert services.run_post(run=run, clerk=clerk) == 1
    document = Settlement.objects.get(account=account)
    # 10 m³ × (6,50 + 8,20) = 147,00 net; VAT 8% (a flat's water, docs/ksef.md) 11,76;
    # 158,76 gross, no advances charged
    assert document.difference == Decimal("158.76")

    wait_for(
        lambda: Settlement.objects.filter(pk=document.pk, pdf_status="done").exists(),
        "the worker to render the settlement's PDF",
        timeout=60,
    )
    document.refresh_from_db()
    with document.pdf_file.open("rb") as stored:
        pages = PdfReader(io.BytesIO(stored.read())).pages
    text = " ".join(" ".join(p.extract_text().split()) for p in pages)  # NBSP → space too
    assert document.number in text
    assert "158,76 zł" in text

    wait_for(
        lambda: Notification.objects.filter(user=owner, email_status="sent").exists(),
        "the holder's e-mail",
        timeout=60,
    )
    mails = [m for m in messages_in(mailbox) if "Rozliczenie wody" in subject(m)]
    assert len(mails) == 1
    assert mails[0]["To"] == owner.email


def test_a_posting_job_of_every_building_is_done_by_the_worker(worker, owner, account):
    """The request only stores the job; a worker (the bulk queue: every building) posts,
    moving the job's progress to the end."""
    advance, _ = Component.objects.get_or_create(code="water_sewage", defaults={"name": "Woda"})
    Component.objects.get_or_create(code="water_settlement", defaults={"name": "Rozliczenie"})
    plan = SettlementPlan.objects.create(building=account.premises.building,
                                         first_day=datetime.date(2026, 1, 1))
    plan.advance_components.add(advance)
    WaterTariff.objects.create(valid_from=datetime.date(2025, 1, 1), water_price=Decimal("6.50"),
                               sewage_price=Decimal("8.20"))
    meter = MeterFactory(premises=account.premises)
    ReadingFactory(meter=meter, value=Decimal("100"), read_on=datetime.date(2025, 12, 31))
    ReadingFactory(meter=meter, value=Decimal("112"), read_on=datetime.date(2026, 6, 30))
    clerk = StaffFactory(is_superuser=True)
    job = jobs.job_start(kind="post", scope="all", day=datetime.date(2026, 3, 1), clerk=clerk)
    assert job.state == "pending"  # nothing was done in the request

    wait_for(
        lambda: SettlementJob.objects.filter(pk=job.pk, state="done").exists(),
        "the worker to finish the job",
        timeout=60,
    )
    job.refresh_from_db()
    assert (job.done, job.total, job.errors) == (1, 1, [])
    # 12 m³ × (6,50 + 8,20) = 176,40 zł, no advances charged: 176,40 to pay
    assert Settlement.objects.get(account=account).difference == Decimal("176.40")
