"""Benchmark: the meters pages of a resident with 10 years of monthly readings on PostgreSQL —
a constant number of SQL queries (goal ≤ 10, the same as with one reading) — and validating
and storing a reading (goal ≤ 20 ms at the median). Prints the figures."""

import datetime
import statistics
import time
import uuid
from decimal import Decimal

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meters import services, views
from meters.models import Reading
from tests.factories import AccessFactory
from tests.meters.factories import MeterFactory, WindowFactory
from tests.services import require_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
YEARS = 10
QUERY_GOAL = 10
SUBMIT_GOAL_MS = 20
SUBMITS = 60


def months_back(day, n):
    index = day.year * 12 + day.month - 1 - n
    return datetime.date(index // 12, index % 12 + 1, 1)


def fill(meter, user, months):
    today = timezone.localdate()
    Reading.objects.bulk_create(
        Reading(
            meter=meter,
            value=Decimal(3 * (months - n)),
            read_on=months_back(today, n + 1),
            source="resident",
            submitted_by=user,
        )
        for n in range(months - 1, -1, -1)
    )


def render(view, user, *args):
    request = RequestFactory().get("/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = view(request, *args)
        elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200
    return len(queries), elapsed


def test_meters_pages_and_submit(capsys):
    require_postgres()
    access = AccessFactory()
    user = access.user
    WindowFactory()
    meters = [MeterFactory(premises=access.account.premises, kind=kind) for kind in ("cold", "hot")]
    small = {
        "index": render(views.index, user),
        "detail": render(views.detail, user, meters[0].pk),
    }
    for meter in meters:
        fill(meter, user, YEARS * 12)
    large = {
        "index": render(views.index, user),
        "detail": render(views.detail, user, meters[0].pk),
    }

    # Validating and storing: every submit checks the window, the neighbours and the year's use.
    value = Decimal(3 * YEARS * 12)
    times = []
    today = timezone.localdate()
    for _ in range(SUBMITS):
        value += Decimal("0.1")
        start = time.perf_counter()
        services.reading_submit(
            user=user,
            meter=meters[0],
            value=value,
            read_on=today,
            idempotency_key=uuid.uuid4(),
        )
        times.append((time.perf_counter() - start) * 1000)
    median = statistics.median(times)

    with capsys.disabled():
        print(
            f"\nmeters, {YEARS} years of monthly readings on 2 meters ({reverse('meters:index')})"
        )
        for page in ("index", "detail"):
            print(
                f"  {page:<7} queries {small[page][0]:>2} (1 reading) → {large[page][0]:>2} "
                f"(10 years), {large[page][1]:.1f} ms"
            )
        print(
            f"  reading_submit: median {median:.2f} ms, p90 "
            f"{statistics.quantiles(times, n=10)[-1]:.2f} ms over {SUBMITS} submits "
            f"(goal ≤ {SUBMIT_GOAL_MS} ms)"
        )
    assert large["index"][0] == small["index"][0] <= QUERY_GOAL
    assert large["detail"][0] == small["detail"][0] <= QUERY_GOAL
    assert median <= SUBMIT_GOAL_MS
