"""No double starts (issue #28, point 6): simultaneous submits of a charge run for one month,
two schedulers racing, and two simultaneous "set new advances" each make one thing; the
others get the same refusal as a second submit one after the other. The races run on
PostgreSQL with real threads; the sequential refusals on every database."""

import datetime
import threading
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from billing.ledger.charge_run import (
    charge_run_execute,
    charge_run_start,
    coming_month_run_start,
)
from billing.ledger.services import BillingError
from billing.models import Charge, ChargeRun
from demo.ledger import seed_components
from tests.billing.factories import FeeFactory
from tests.migrations import migrate
from tests.services import require_postgres

d = datetime.date
MARCH = d(2026, 3, 1)
WORKERS = 4


def race(target, workers=WORKERS):
    """Run `target()` in `workers` threads released together: (results, errors)."""
    barrier = threading.Barrier(workers)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # noqa: BLE001 - asserted by the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


@pytest.mark.django_db
def test_the_database_holds_one_waiting_or_running_run_a_month():
    ChargeRun.objects.create(period=MARCH, due_day=10)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChargeRun.objects.create(period=MARCH, due_day=10, status="running")
    # A finished or failed run does not block the next one (run again; after an error).
    ChargeRun.objects.filter(period=MARCH).update(status="done")
    ChargeRun.objects.create(period=MARCH, due_day=10)
    assert ChargeRun.objects.filter(period=MARCH).count() == 2


@pytest.mark.django_db
def test_a_second_submit_one_after_the_other_is_refused_in_the_form(client):
    from tests.factories import StaffFactory

    client.force_login(StaffFactory(is_superuser=True))
    url = reverse("admin:billing_chargerun_add")
    data = {"period": "03/2026", "due_day": "10"}
    ChargeRun.objects.create(period=MARCH, due_day=10)  # the first submit, still waiting
    page = client.post(url, data).content.decode()
    assert "Naliczenie miesięczne za ten miesiąc już oczekuje lub jest w toku." in page
    assert ChargeRun.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_four_simultaneous_submits_start_one_run():
    require_postgres()
    seed_components()  # what the migrations wrote, gone if a flushing test ran before
    FeeFactory(unit_price=D("100"), basis="fixed", valid_from=d(2026, 1, 1))

    results, errors = race(lambda: charge_run_start(period=MARCH, due_day=10))

    # One run, three refusals, no other run at all; the run charges the one fee: 1 charge
    # (run here: with a broker the start only queues it for a worker).
    assert len(results) == 1
    assert len(errors) == WORKERS - 1
    assert all(isinstance(e, BillingError) for e in errors), errors
    (run,) = ChargeRun.objects.filter(period=MARCH)
    charge_run_execute(run_id=run.pk, notify=False)
    assert Charge.objects.filter(period=MARCH).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_racing_start_one_run():
    require_postgres()
    results, errors = race(lambda: coming_month_run_start(today=d(2026, 2, 20)), workers=2)

    assert not errors
    assert sorted(r is None for r in results) == [False, True]
    assert ChargeRun.objects.filter(period=MARCH).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_run_that_charged_and_marks_the_double_starts():
    def to(name):
        return migrate([("billing", name)])

    at = datetime.datetime(2026, 2, 20, 9, 0, tzinfo=datetime.UTC)
    second = datetime.timedelta(seconds=1)
    try:
        old = to("0014_summary_triggers_repair").get_model("billing", "ChargeRun")
        # March: four submits at once; one charged 57 charges, three found nothing.
        charged = old.objects.create(period=MARCH, due_day=10, status="done", created_at=at,
                                     finished_at=at + 30 * second, charges_created=57)
        empty = [old.objects.create(period=MARCH, due_day=10, status="done",
                                    created_at=at + n * second, finished_at=at + 31 * second)
                 for n in (1, 2, 3)]
        # A deliberate "run again" a week later that found nothing stays as it is.
        again = old.objects.create(period=MARCH, due_day=10, status="done",
                                   created_at=at + datetime.timedelta(days=7),
                                   finished_at=at + datetime.timedelta(days=7, seconds=5))
        # April: two schedulers left two runs waiting.
        waiting = [old.objects.create(period=d(2026, 4, 1), due_day=10, created_at=at + n * second)
                   for n in (0, 1)]

        new = to("0016_one_active_charge_run").get_model("billing", "ChargeRun")
        status = dict(new.objects.values_list("pk", "status"))
        assert status == {
            charged.pk: "done", empty[0].pk: "error", empty[1].pk: "error", empty[2].pk: "error",
            again.pk: "done", waiting[0].pk: "pending", waiting[1].pk: "error",
        }
        assert new.objects.get(pk=empty[0].pk).error.endswith(f" {charged.pk}.")
    finally:
        migrate()  # every app's newest migration again
        ChargeRun.objects.all().delete()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_new_advances_leave_one_open_ended_fee():
    require_postgres()
    from billing.models import Component, Fee
    from billing.water import services
    from billing.water.models import SettlementPlan, WaterTariff
    from tests.billing.test_water_settlement import premises_with_meters
    from tests.factories import AccountFactory, BuildingFactory, StaffFactory

    clerk = StaffFactory(is_superuser=True)
    building = BuildingFactory(street="ul. Głęboka 15")
    plan = SettlementPlan.objects.create(building=building, months=6, first_day=d(2026, 1, 1))
    # A flushing test before this one (transaction=True) removes what migrations wrote.
    water, _new = Component.objects.get_or_create(
        code="water_sewage", defaults={"name": "Zaliczka na wodę i ścieki", "order": 60}
    )
    Component.objects.get_or_create(
        code=services.SETTLEMENT_COMPONENT,
        defaults={"name": "Rozliczenie wody i ścieków", "order": 61},
    )
    plan.advance_components.add(water)
    WaterTariff.objects.create(valid_from=d(2025, 1, 1), water_price=D("6.50"),
                               sewage_price=D("8.20"))
    premises, _cold, _hot = premises_with_meters(building, D("136.2"), D("68.1"))
    account = AccountFactory(premises=premises)
    Fee.objects.create(account=account, component=water, basis="fixed",
                       unit_price=D("120.00"), valid_from=d(2025, 1, 1))
    run = services.run_create(building=building, period_start=d(2026, 1, 1), clerk=clerk)
    services.run_post(run=run, clerk=clerk)

    results, errors = race(
        lambda: services.advances_apply(run=run, from_month=d(2026, 8, 1), clerk=clerk),
        workers=2,
    )

    # One applied (1 account changed), the other refused as a second submit is.
    assert results == [1]
    assert len(errors) == 1
    assert isinstance(errors[0], services.SettlementError), errors
    # 36,2 + 18,1 = 54,3 m³ / 181 days = 0,3 m³ a day × 365/12 = 9,125 m³
    # × (6,50 + 8,20 = 14,70) = 134,1375 → 134,14 zł
    open_fees = Fee.objects.filter(account=account, component=water, valid_to__isnull=True)
    assert list(open_fees.values_list("valid_from", "unit_price")) == [
        (d(2026, 8, 1), D("134.14"))
    ]
