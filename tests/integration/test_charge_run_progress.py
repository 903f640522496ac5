"""The charge run's progress is written from a connection of its own, so the run's page sees
it while the run's single transaction is still open (PostgreSQL)."""

import datetime

import pytest
from django.db import transaction

from billing.ledger import charge_run
from billing.models import Charge, ChargeRun, Component
from tests.billing.factories import FeeFactory
from tests.factories import AccountFactory
from tests.services import require_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def component(code):
    """A transactional test may start without the data migrations' rows."""
    return Component.objects.get_or_create(code=code, defaults={"name": code})[0]


def test_progress_is_seen_outside_the_runs_transaction():
    require_postgres()
    for _n in range(3):
        FeeFactory(account=AccountFactory(), component=component("rent"))
    run = ChargeRun.objects.create(period=datetime.date(2026, 3, 1), due_day=10)
    seen = []
    writer = charge_run._ProgressWriter(run.pk)
    try:
        with transaction.atomic():
            # as the run does: a charge of the run (its foreign key locks the run's row
            # FOR KEY SHARE, which the progress UPDATE does not wait for), not committed
            Charge.objects.create(
                account=AccountFactory(), component=component("rent"), title="Czynsz 03/2026",
                quantity=1, unit_price=1, amount=1, vat_rate="zw", run=run,
                period=datetime.date(2026, 3, 1), due_date=datetime.date(2026, 3, 10),
            )
            writer(0, 3)
            seen.append(_committed(run.pk))
            writer(2)
            seen.append(_committed(run.pk))
    finally:
        writer.close()
    assert seen == [(0, 3), (2, 3)]


def _committed(pk):
    """The row as a second connection sees it."""
    from django.db import DEFAULT_DB_ALIAS, connections

    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT fees_done, fees_total FROM billing_chargerun WHERE id = %s", [pk]
            )
            return cursor.fetchone()
    finally:
        other.close()


def test_a_run_in_batches_reports_each(monkeypatch):
    require_postgres()
    for _n in range(5):
        FeeFactory(account=AccountFactory(), component=component("rent"))
    run = charge_run.charge_run_start(period=datetime.date(2026, 3, 1))
    monkeypatch.setattr(charge_run, "PROGRESS_BATCH", 2)
    seen = []
    monkeypatch.setattr(
        charge_run._ProgressWriter, "__call__",
        lambda self, done, total=None: seen.append((done, total)),
    )
    done = charge_run.charge_run_execute(run_id=run.pk, notify=False)
    assert done.status == "done"
    # 5 fees in batches of 2: 2, 4, 5 written, each reported
    assert seen == [(0, 5), (2, None), (4, None), (5, None)]
    assert (done.fees_done, done.fees_total, done.charges_created) == (5, 5, 5)
