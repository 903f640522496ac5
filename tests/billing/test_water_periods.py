"""Issue #28, point 4: a water settlement covers a finished period only (its reading window
closed too), refused with the day it becomes possible, in the admin form and in the service;
a tenant moving out is settled on the move-out day from the final reading, and the next
tenant starts where that settlement ended. Figures computed by hand in the comments."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.ledger.models import Charge, Component
from billing.water import services
from billing.water.models import (
    Settlement,
    SettlementJob,
    SettlementPlan,
    SettlementRun,
    WaterTariff,
)
from tests.billing.factories import ChargeFactory, water_part_of_the_rent
from tests.factories import AccountFactory, BuildingFactory, PremisesFactory, StaffFactory
from tests.meters.factories import MeterFactory, ReadingFactory, WindowFactory

pytestmark = pytest.mark.django_db

H2 = date(2026, 7, 1)


@pytest.fixture
def today(monkeypatch):
    """Set the day the clerk works on."""

    def set_today(day):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return set_today


@pytest.fixture
def clerk():
    return StaffFactory(is_superuser=True)


@pytest.fixture
def building():
    building = BuildingFactory(street="ul. Głęboka 15")
    plan = SettlementPlan.objects.create(
        building=building, months=6, first_day=date(2026, 1, 1), due_days=14
    )
    plan.advance_components.add(Component.objects.get(code="water_sewage"))
    water_part_of_the_rent()  # the flat's water without VAT: the figures are about use
    WaterTariff.objects.create(
        valid_from=date(2025, 1, 1), water_price=D("6.50"), sewage_price=D("8.20")
    )
    WaterTariff.objects.create(
        valid_from=date(2026, 4, 2), water_price=D("7.10"), sewage_price=D("8.90")
    )  # 7,10 + 8,90 = 16,00 zł/m³
    return building


@pytest.fixture
def flat(building):
    """Premises 4: cold 200,000 and hot 100,000 m³ on 30 June 2026."""
    premises = PremisesFactory(building=building, number="4")
    cold = MeterFactory(premises=premises, kind="cold", serial_number="ZW-4")
    hot = MeterFactory(premises=premises, kind="hot", serial_number="CW-4")
    ReadingFactory(meter=cold, value=D("200"), read_on=date(2026, 6, 30))
    ReadingFactory(meter=hot, value=D("100"), read_on=date(2026, 6, 30))
    return premises, cold, hot


def advances(account, months, monthly):
    component = Component.objects.get(code="water_sewage")
    for month in months:
        ChargeFactory(
            account=account,
            component=component,
            amount=monthly,
            period=date(2026, month, 1),
            due_date=date(2026, month, 10),
            title=f"Zaliczka na wodę {month:02d}/2026",
        )


# -- a period that has not ended ------------------------------------------------------------


def test_a_half_year_that_has_not_ended_is_refused_with_the_day_it_becomes_possible(
    building, flat, clerk, today
):
    today(date(2026, 12, 7))
    with pytest.raises(services.PeriodOpen, match=r"01\.01\.2027"):
        services.run_create(building=building, period_start=date(2026, 12, 31), clerk=clerk)
    assert not SettlementRun.objects.exists()


def test_the_reading_window_of_the_periods_end_must_close_too(building, flat, clerk, today):
    WindowFactory(building=building, starts_on=date(2026, 12, 28), ends_on=date(2027, 1, 10))
    WindowFactory(
        building=BuildingFactory(), starts_on=date(2026, 12, 28), ends_on=date(2027, 1, 20)
    )  # another building's window does not count
    today(date(2027, 1, 5))  # the period ended, its window is open until 10 January
    with pytest.raises(services.PeriodOpen, match=r"11\.01\.2027"):
        services.run_create(building=building, period_start=H2, clerk=clerk)
    today(date(2027, 1, 11))
    run = services.run_create(building=building, period_start=H2, clerk=clerk)
    assert (run.period_start, run.period_end) == (H2, date(2026, 12, 31))


def test_a_run_stored_earlier_for_an_open_period_is_not_posted(building, flat, clerk, today):
    premises, _cold, _hot = flat
    account = AccountFactory(premises=premises, valid_from=date(2020, 1, 1))
    advances(account, range(7, 13), D("60.00"))
    run = SettlementRun.objects.create(
        building=building, period_start=H2, period_end=date(2026, 12, 31), created_by=clerk
    )
    today(date(2026, 12, 7))
    with pytest.raises(services.PeriodOpen, match=r"01\.01\.2027"):
        services.run_post(run=run, clerk=clerk)
    assert not Settlement.objects.exists()
    assert not Charge.objects.filter(component__code="water_settlement").exists()


def test_the_admin_form_says_it_next_to_the_day(building, flat, clerk, client, today):
    today(date(2026, 12, 7))
    client.force_login(clerk)
    response = client.post(
        reverse("admin:billing_settlementrun_add"), {"building": building.pk, "day": "2026-12-31"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    error = page[page.index('id="id_day_error"') :]
    assert "01.01.2027" in error[: error.index("</ul>")]
    assert not SettlementRun.objects.exists()


# -- moving out -----------------------------------------------------------------------------


def moving_out(flat, final_hot=True):
    """Account 1004 ends on 15 October 2026 with final readings that day."""
    premises, cold, hot = flat
    account = AccountFactory(
        premises=premises, number="1004", valid_from=date(2020, 1, 1), valid_to=date(2026, 10, 15)
    )
    ReadingFactory(meter=cold, value=D("212.3"), read_on=date(2026, 10, 15))
    if final_hot:
        ReadingFactory(meter=hot, value=D("106.15"), read_on=date(2026, 10, 15))
    advances(account, range(7, 11), D("60.00"))  # July–October: 4 × 60,00 = 240,00
    return account


def test_a_move_out_is_settled_on_its_day_from_the_final_reading(building, flat, clerk, today):
    account = moving_out(flat)
    today(date(2026, 10, 14))
    with pytest.raises(services.PeriodOpen, match=r"15\.10\.2026"):
        services.move_out_run_create(account=account, clerk=clerk)

    today(date(2026, 10, 15))
    run = services.move_out_run_create(account=account, clerk=clerk)
    assert (run.period_start, run.period_end, run.account) == (H2, date(2026, 10, 15), account)
    (row,) = services.compute(run)
    # 212,3 − 200 = 12,3 + 106,15 − 100 = 6,15 → 18,45 m³ over 1.07–15.10 (31 + 31 + 30 + 15
    # = 107 days) at 16,00 = 295,20 zł (exempt); 295,20 − 240,00 advances = 55,20 to pay
    assert (row.used, row.gross, row.advances, row.difference) == (
        D("18.45"),
        D("295.20"),
        D("240.00"),
        D("55.20"),
    )
    assert services.run_post(run=run, clerk=clerk) == 1
    document = Settlement.objects.get(account=account)
    assert (document.period_start, document.period_end) == (H2, date(2026, 10, 15))
    assert document.charge.amount == D("55.20")
    assert "01.07.2026–15.10.2026" in document.charge.title
    # Starting it again opens the same run.
    assert services.move_out_run_create(account=account, clerk=clerk) == run


def test_a_move_out_needs_every_meters_final_reading(building, flat, clerk, today):
    account = moving_out(flat, final_hot=False)
    today(date(2026, 10, 15))
    with pytest.raises(services.SettlementError, match="CW-4") as refused:
        services.move_out_run_create(account=account, clerk=clerk)
    assert "ZW-4" not in str(refused.value)
    assert not SettlementRun.objects.exists()


def test_an_account_still_in_force_has_no_move_out_settlement(building, flat, clerk, today):
    account = AccountFactory(premises=flat[0], valid_from=date(2020, 1, 1))
    with pytest.raises(services.SettlementError, match=account.number):
        services.move_out_run_create(account=account, clerk=clerk)


def test_the_next_tenant_starts_where_the_move_out_ended(building, flat, clerk, today):
    premises, cold, hot = flat
    leaving = moving_out(flat)
    today(date(2026, 10, 15))
    services.run_post(run=services.move_out_run_create(account=leaving, clerk=clerk), clerk=clerk)
    coming = AccountFactory(premises=premises, number="1005", valid_from=date(2026, 10, 16))
    advances(coming, (11, 12), D("70.00"))  # 2 × 70,00 = 140,00
    ReadingFactory(meter=cold, value=D("220.3"), read_on=date(2026, 12, 31))
    ReadingFactory(meter=hot, value=D("110.15"), read_on=date(2026, 12, 31))

    today(date(2027, 1, 11))
    run = services.run_create(building=building, period_start=H2, clerk=clerk)
    (row,) = services.compute(run)  # the leaving tenant is not settled twice
    # from 15.10's final readings: 220,3 − 212,3 = 8,0 + 110,15 − 106,15 = 4,0 → 12,0 m³
    # over 16.10–31.12 (16 + 30 + 31 = 77 days) at 16,00 = 192,00; − 140,00 = 52,00
    assert row.account == coming
    assert (row.start, row.used, row.gross, row.difference) == (
        date(2026, 10, 16),
        D("12.0"),
        D("192.00"),
        D("52.00"),
    )
    services.run_post(run=run, clerk=clerk)
    document = Settlement.objects.get(account=coming)
    assert (document.period_start, document.period_end) == (date(2026, 10, 16), date(2026, 12, 31))


@pytest.mark.usefixtures("eager_tasks")  # the job/render runs in the test
def test_the_clerk_starts_a_move_out_in_admin(
    building, flat, clerk, client, today, django_capture_on_commit_callbacks
):
    account = moving_out(flat)
    client.force_login(clerk)
    url = reverse("admin:billing_settlementrun_move_out")
    today(date(2026, 10, 14))
    page = client.post(url, {"account": "1004"}).content.decode()
    assert 'id="id_account_error"' in page
    assert "15.10.2026" in page
    assert not SettlementRun.objects.exists()

    today(date(2026, 10, 15))
    with django_capture_on_commit_callbacks(execute=True):  # the preview job runs eagerly
        response = client.post(url, {"account": "1004"})
    run = SettlementRun.objects.get(account=account)
    job = SettlementJob.objects.get(run=run)
    assert response["Location"] == reverse("admin:billing_settlementjob_change", args=[job.pk])
    preview = reverse("admin:billing_settlementrun_preview", args=[run.pk])
    assert preview in client.get(response["Location"]).content.decode()
    assert "55,20" in client.get(preview).content.decode()
