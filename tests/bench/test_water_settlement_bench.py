"""Benchmark: the water settlement of one half-year for 20,000 premises with a cold and a hot
meter each, 24 monthly readings per meter and six monthly advances per account, on PostgreSQL.
Goals: the preview ≤ 60 s, posting ≤ 120 s (each account its own transaction, its holder
notified, its PDF queued for a worker), and a constant number of queries per account when
posting. Prints the figures.

BENCH_WATER_PREMISES makes it smaller for a quick look."""

import os
import time
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Account, AccountAccess, Premises, User
from accounts.validators import make_virtual_nrb
from billing.ledger.models import Component
from billing.water import services
from billing.water.models import Settlement, SettlementPlan, WaterTariff
from meters.models import Meter
from tests.factories import BuildingFactory, StaffFactory
from tests.services import require_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
PREMISES = int(os.environ.get("BENCH_WATER_PREMISES", 20_000))
PREVIEW_GOAL, POST_GOAL = 60.0, 120.0
H1 = date(2026, 1, 1)

READINGS_SQL = """
INSERT INTO meters_reading (meter_id, value, read_on, photo, source, submitted_by_id, status,
                            flag_reason, confirmed_by_resident, reason, created_at)
SELECT m.id, (g * (CASE m.kind WHEN 'cold' THEN 3.1 ELSE 1.7 END))::numeric(12, 3),
       (date '2025-01-01' + g * interval '1 month')::date, '', 'staff', %s, 'accepted', '',
       false, '', now()
FROM meters_meter m CROSS JOIN generate_series(0, 23) g
"""
ADVANCES_SQL = """
INSERT INTO billing_charge (account_id, component_id, period, title, quantity, unit_price,
                            amount, vat_rate, vat_basis, due_date, reason, posted_at)
SELECT a.id, %s, (date '2026-01-01' + g * interval '1 month')::date, 'Zaliczka na wodę', 1,
       120, 120, 'zw', 'art. 43 ust. 1 pkt 36 ustawy o VAT',
       (date '2026-01-10' + g * interval '1 month')::date, '', now()
FROM accounts_account a CROSS JOIN generate_series(0, 5) g
"""


def setup_building():
    clerk = StaffFactory(is_superuser=True)
    building = BuildingFactory(street="ul. Benchmarkowa 1")
    plan = SettlementPlan.objects.create(building=building, first_day=H1)
    advance = Component.objects.get(code="water_sewage")
    plan.advance_components.add(advance)
    WaterTariff.objects.create(
        valid_from=date(2025, 1, 1), water_price=Decimal("6.50"), sewage_price=Decimal("8.20")
    )
    WaterTariff.objects.create(
        valid_from=date(2026, 4, 2), water_price=Decimal("7.10"), sewage_price=Decimal("8.90")
    )
    premises = Premises.objects.bulk_create(
        Premises(
            building=building, number=str(n + 1), kind="residential", floor_area=Decimal("48.50")
        )
        for n in range(PREMISES)
    )
    accounts = Account.objects.bulk_create(
        Account(
            number=f"{n + 500_000}",
            premises=p,
            kind="municipal_tenancy",
            holder_name=f"Najemca {n}",
            valid_from=date(2020, 1, 1),
            virtual_nrb=make_virtual_nrb("10500099760300", f"{n + 500_000}"),
        )
        for n, p in enumerate(premises)
    )
    password = make_password(None)
    users = User.objects.bulk_create(
        User(username=f"w{n:06d}", email=f"w{n:06d}@example.pl", password=password)
        for n in range(PREMISES)
    )
    AccountAccess.objects.bulk_create(
        AccountAccess(user=u, account=a, role="holder")
        for u, a in zip(users, accounts, strict=True)
    )
    Meter.objects.bulk_create(
        Meter(
            premises=p,
            kind=kind,
            serial_number=f"{kind[0].upper()}-{p.pk}",
            installed_on=date(2020, 1, 1),
            legalisation_expires_on=date(2030, 1, 1),
        )
        for p in premises
        for kind in ("cold", "hot")
    )
    with connection.cursor() as cursor:
        cursor.execute(READINGS_SQL, [clerk.pk])
        cursor.execute(ADVANCES_SQL, [advance.pk])
        cursor.execute("ANALYZE")
    return building, clerk


def test_water_settlement_of_20000_premises():
    require_postgres()
    start = time.perf_counter()
    building, clerk = setup_building()
    setup = time.perf_counter() - start
    run = services.run_create(building=building, period_start=H1, clerk=clerk)

    start = time.perf_counter()
    with CaptureQueriesContext(connection) as preview_queries:
        rows = services.compute(run)
    preview = time.perf_counter() - start

    count = [0]

    def counted(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    start = time.perf_counter()
    with connection.execute_wrapper(counted):
        posted = services.run_post(run=run, clerk=clerk)
    posting = time.perf_counter() - start
    per_account = (count[0] - len(preview_queries)) / max(posted, 1)

    # Cold 3,1 m³ a month: 31 Dec 2025 = 34,1 + 3,1 × 30/31 = 37,100; 30 June 2026 =
    # 52,7 + 3,1 × 29/30 = 55,697 → 18,597 m³. Hot 1,7 a month: 18,7 + 1,7 × 30/31 = 20,345;
    # 28,9 + 1,7 × 29/30 = 30,543 → 10,198 m³. 28,795 m³: 28,795 × 91/181 = 14,477 × 14,70 =
    # 212,81; 14,318 × 16,00 = 229,09 → 441,90 zł; advances 6 × 120 = 720 → −278,10 zł.
    sample = rows[0]
    assert (sample.used, sample.gross, sample.difference) == (
        Decimal("28.795"),
        Decimal("441.90"),
        Decimal("-278.10"),
    )
    print(
        f"\nwater settlement: {PREMISES} premises, {2 * PREMISES} meters, "
        f"{48 * PREMISES} readings, {6 * PREMISES} advances (set-up {setup:.0f} s)\n"
        f"  preview {preview:6.2f} s  (goal ≤ {PREVIEW_GOAL:.0f} s), "
        f"{len(preview_queries)} queries for all accounts\n"
        f"  posting {posting:6.2f} s  (goal ≤ {POST_GOAL:.0f} s), {posted} documents, "
        f"{per_account:.1f} queries per account\n"
        f"  first account: {sample.used} m³, {sample.gross} zł, difference {sample.difference} zł"
    )
    assert len(rows) == PREMISES
    assert posted == PREMISES
    assert Settlement.objects.filter(run=run).count() == PREMISES
    assert len(preview_queries) < 20  # the preview reads in bulk, not per account
    assert preview <= PREVIEW_GOAL
    assert posting <= POST_GOAL
