"""Double submits on PostgreSQL, with real threads: one form posted twice stores one reading,
and two different readings of one meter are checked one after the other."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from meters import services
from meters.models import Reading
from tests.integration.test_concurrency import run_at_once
from tests.meters.factories import MeterFactory, ReadingFactory, WindowFactory
from tests.services import require_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def submit(user, meter, value, key):
    return services.reading_submit(
        user=user,
        meter=meter,
        value=Decimal(value),
        read_on=timezone.localdate(),
        idempotency_key=key,
    )


def test_the_same_form_twice_at_once_stores_one(owner, account):
    require_postgres()
    WindowFactory()
    meter = MeterFactory(premises=account.premises)
    key = uuid.uuid4()
    results = run_at_once([lambda: submit(owner, meter, "12.5", key) for _ in range(2)])
    assert all(isinstance(r, Reading) for r in results), results
    assert results[0].pk == results[1].pk
    assert Reading.objects.filter(meter=meter).count() == 1


def test_two_readings_at_once_never_go_down(owner, account):
    require_postgres()
    WindowFactory()
    meter = MeterFactory(premises=account.premises)
    ReadingFactory(
        meter=meter, value=Decimal(10), read_on=timezone.localdate() - datetime.timedelta(days=30)
    )
    results = run_at_once(
        [lambda v=v: submit(owner, meter, v, uuid.uuid4()) for v in ("11.0", "10.5")]
    )
    stored = sorted(r.value for r in results if isinstance(r, Reading))
    refused = [r for r in results if isinstance(r, services.ReadingRejected)]
    # Same date: whichever came second is checked against the first.
    assert stored in ([Decimal("10.5"), Decimal("11.0")], [Decimal("11.0")]), results
    assert len(stored) + len(refused) == 2
