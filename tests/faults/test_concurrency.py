"""A double submit on PostgreSQL with real threads: one fault form sent twice at once stores
one report (the conditional unique constraint on the form's token decides)."""

import uuid

import pytest

from faults import services
from faults.models import FaultReport
from tests.integration.test_concurrency import run_at_once
from tests.services import require_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def send(user, account, key):
    return services.fault_report(
        user=user,
        account=account,
        place="premises",
        category="water",
        title="Cieknie kran",
        description="Kapie z kranu w kuchni.",
        contact_phone="600123456",
        idempotency_key=key,
    )


def test_the_same_form_twice_at_once_stores_one(owner, account):
    require_postgres()
    key = uuid.uuid4()
    results = run_at_once([lambda: send(owner, account, key) for _ in range(2)])
    assert all(isinstance(r, FaultReport) for r in results), results
    assert results[0].pk == results[1].pk
    assert FaultReport.objects.count() == 1
