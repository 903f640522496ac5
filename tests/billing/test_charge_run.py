"""The monthly charge run: hand-computed charges, validity, due dates, idempotency, claiming."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone

from billing.ledger import charge_run
from billing.ledger.charge_run import (
    charge_run_execute,
    charge_run_start,
    charge_runs_sweep,
    coming_month_run_start,
)
from billing.ledger.services import BillingError
from billing.models import Charge, ChargeRun, Fee, PaymentTerms, VatRule
from tests.billing.factories import FeeFactory, component
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
d = datetime.date
MARCH = d(2026, 3, 1)


def run_month(period, due_day=None, notify=False, again=False):
    run = charge_run_start(period=period, due_day=due_day, again=again)
    return charge_run_execute(run_id=run.pk, notify=notify)


def charges_of(account, period=MARCH):
    return {
        c.component.code: c
        for c in Charge.objects.filter(account=account, period=period).select_related("component")
    }


@pytest.fixture
def flat():
    """48.50 m², 2 persons, 2 water meters."""
    account = AccountFactory(premises__floor_area=D("48.50"))
    FeeFactory(account=account, component=component("rent"), unit_price=D("3.0100"))
    FeeFactory(
        account=account,
        component=component("water_sewage"),
        basis=Fee.Basis.PER_PERSON,
        quantity=D("2"),
        unit_price=D("45.3000"),
    )
    FeeFactory(
        account=account,
        component=component("waste"),
        basis=Fee.Basis.FIXED,
        quantity=D("7"),  # ignored for a fixed amount
        unit_price=D("36.0000"),
    )
    FeeFactory(
        account=account,
        component=component("meter_fee"),
        basis=Fee.Basis.PER_METER,
        quantity=D("2"),
        unit_price=D("4.1500"),
    )
    return account


def test_charges_are_computed_per_m2_per_person_fixed_and_per_meter(flat):
    run = run_month(MARCH)
    charges = charges_of(flat)
    # 48.50 m² × 3.01 = 145.985 → 145.99 (half up; Python's half-even would give 145.98)
    assert charges["rent"].amount == D("145.99")
    assert charges["rent"].quantity == D("48.500")
    assert charges["water_sewage"].amount == D("90.60")  # 2 × 45.30
    assert charges["waste"].amount == D("36.00")
    assert charges["waste"].vat_rate == "np"
    assert charges["meter_fee"].amount == D("8.30")  # 2 × 4.15
    assert charges["rent"].title == "Czynsz 03/2026"
    assert {c.due_date for c in charges.values()} == {d(2026, 3, 10)}
    assert {c.run_id for c in charges.values()} == {run.pk}
    assert (run.status, run.accounts_charged, run.charges_created) == ("done", 1, 4)
    assert run.started_at
    assert run.finished_at


def test_a_month_already_charged_is_refused_unless_run_again(flat):
    first = run_month(MARCH)
    with pytest.raises(BillingError, match="03/2026"):
        run_month(MARCH)
    assert ChargeRun.objects.count() == 1
    second = run_month(MARCH, again=True)
    assert (second.status, second.accounts_charged, second.charges_created) == ("done", 0, 0)
    assert Charge.objects.filter(account=flat).count() == 4
    assert Charge.objects.filter(run=first).count() == 4


def test_a_rerun_charges_only_what_is_new(flat):
    run_month(MARCH)
    newcomer = AccountFactory()
    FeeFactory(account=newcomer, unit_price=D("10.0000"))
    again = run_month(MARCH, again=True)
    assert (again.accounts_charged, again.charges_created) == (1, 1)
    assert Charge.objects.get(account=newcomer).amount == D("485.00")  # 48.50 × 10


def test_a_per_person_fee_with_nobody_is_not_charged():
    account = AccountFactory()
    FeeFactory(account=account, component=component("waste"), basis=Fee.Basis.PER_PERSON)
    run = run_month(MARCH)
    assert run.charges_created == 0
    assert not Charge.objects.exists()


def test_a_fee_is_charged_only_in_the_months_it_is_valid():
    account = AccountFactory()
    FeeFactory(
        account=account,
        basis=Fee.Basis.FIXED,
        unit_price=D("100"),
        valid_from=d(2026, 2, 15),
        valid_to=d(2026, 4, 10),
    )
    for month in range(1, 6):
        run_month(d(2026, month, 1))
    periods = sorted(Charge.objects.filter(account=account).values_list("period", flat=True))
    assert periods == [d(2026, 2, 1), d(2026, 3, 1), d(2026, 4, 1)]


def test_a_new_price_from_mid_month_wins_that_month():
    account = AccountFactory()
    FeeFactory(account=account, basis="fixed", unit_price=D("100"), valid_to=d(2026, 3, 14))
    FeeFactory(account=account, basis="fixed", unit_price=D("120"), valid_from=d(2026, 3, 15))
    run_month(d(2026, 2, 1))
    run_month(MARCH)
    run_month(d(2026, 4, 1))
    amounts = dict(Charge.objects.filter(account=account).values_list("period", "amount"))
    assert amounts == {d(2026, 2, 1): D("100.00"), MARCH: D("120.00"), d(2026, 4, 1): D("120.00")}


def test_an_account_that_ended_is_not_charged():
    ended = AccountFactory(valid_to=d(2026, 2, 20))
    later = AccountFactory(valid_from=d(2026, 4, 5))
    for account in (ended, later):
        FeeFactory(account=account, basis="fixed", unit_price=D("50"))
    for month in (2, 3, 4):
        run_month(d(2026, month, 1))
    assert list(Charge.objects.filter(account=ended).values_list("period", flat=True)) == [
        d(2026, 2, 1)
    ]
    assert list(Charge.objects.filter(account=later).values_list("period", flat=True)) == [
        d(2026, 4, 1)
    ]


def test_due_date_from_the_contract_or_the_run_or_the_setting(settings):
    settings.BILLING_DUE_DAY = 12
    contract, plain = AccountFactory(), AccountFactory()
    PaymentTerms.objects.create(account=contract, due_day=25)
    for account in (contract, plain):
        FeeFactory(account=account, basis="fixed", unit_price=D("50"))
    run = run_month(MARCH)
    assert run.due_day == 12
    assert Charge.objects.get(account=contract).due_date == d(2026, 3, 25)
    assert Charge.objects.get(account=plain).due_date == d(2026, 3, 12)
    run_month(d(2026, 4, 1), due_day=5)
    # Art. 115 k.c.: Saturday 25 April 2026 moves to Monday the 27th; 5 April 2026 is Easter
    # Sunday and the 6th Easter Monday, so the 7th.
    assert Charge.objects.get(account=contract, period=d(2026, 4, 1)).due_date == d(2026, 4, 27)
    assert Charge.objects.get(account=plain, period=d(2026, 4, 1)).due_date == d(2026, 4, 7)


def test_each_charge_carries_its_components_vat_rule_for_the_kind_and_month():
    shop = AccountFactory(kind="commercial_lease", premises__kind="commercial")
    flat = AccountFactory(kind="municipal_tenancy")
    water = component("water_sewage")
    for account in (shop, flat):
        FeeFactory(account=account, component=water, basis=Fee.Basis.FIXED, unit_price=D("120"))
    FeeFactory(account=shop, component=component("commercial_rent"), unit_price=D("40"))
    FeeFactory(account=flat, component=component("rent"), unit_price=D("10"))
    # The accountant records a change of the commercial water rate from April.
    VatRule.objects.create(component=water, account_kind="commercial_lease",
                           valid_from=d(2026, 4, 1), vat_rate="5")
    run_month(MARCH)
    run_month(d(2026, 4, 1))
    rows = Charge.objects.filter(component=water).order_by("account_id", "period")
    assert [(c.account_id, c.period.month, c.vat_rate) for c in rows] == [
        (shop.pk, 3, "8"),  # water and sewage let with business premises: 8%
        (shop.pk, 4, "5"),  # the new rule from 1 April
        (flat.pk, 3, "8"),  # a flat's metered water: a supply of its own (migration 0016)
        (flat.pk, 4, "8"),
    ]
    assert {c.vat_basis for c in rows} == {""}
    # a home's rent: exempt, the legal basis on the charge
    rent = Charge.objects.get(account=flat, component__code="rent", period=MARCH)
    assert rent.vat_rate == "zw"
    assert rent.vat_basis.startswith("art. 43 ust. 1 pkt 36")
    rent = Charge.objects.get(account=shop, component__code="commercial_rent", period=MARCH)
    assert (rent.vat_rate, rent.amount) == ("23", D("1940.00"))  # 48.50 m² × 40


def test_start_takes_the_first_of_the_month_and_enqueues_after_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks:
        run = charge_run_start(period=d(2026, 3, 17), due_day=10)
    assert run.period == MARCH
    assert run.status == "pending"
    assert len(callbacks) == 1


@pytest.mark.parametrize("due_day", [0, 29, 31])
def test_a_payment_day_outside_1_28_is_refused(due_day):
    with pytest.raises(BillingError):
        charge_run_start(period=MARCH, due_day=due_day)
    assert not ChargeRun.objects.exists()


def test_a_second_start_while_one_waits_is_refused():
    charge_run_start(period=MARCH)
    with pytest.raises(BillingError):
        charge_run_start(period=MARCH)
    assert ChargeRun.objects.count() == 1


def test_a_run_is_executed_once(flat):
    run = charge_run_start(period=MARCH)
    assert charge_run_execute(run_id=run.pk) is not None
    assert charge_run_execute(run_id=run.pk) is None  # a second delivery of the task
    assert Charge.objects.count() == 4


def test_a_failing_run_is_marked_as_an_error_and_leaves_nothing(flat, monkeypatch):
    def broken(run, fees):
        list(fees)
        raise ValueError("boom")

    monkeypatch.setattr(charge_run, "build_charges", broken)
    run = run_month(MARCH)
    assert run.status == "error"
    assert "boom" in run.error
    assert not Charge.objects.exists()


def test_the_notice_task_is_enqueued_after_a_run(flat, django_capture_on_commit_callbacks):
    run = charge_run_start(period=MARCH)
    with django_capture_on_commit_callbacks() as callbacks:
        charge_run_execute(run_id=run.pk)
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks() as callbacks:
        charge_run_execute(run_id=run.pk, notify=True)  # already done: nothing
    assert callbacks == []


def test_beat_starts_next_month_once():
    run = coming_month_run_start(today=d(2026, 12, 20))
    assert run.period == d(2027, 1, 1)
    assert coming_month_run_start(today=d(2026, 12, 21)) is None
    ChargeRun.objects.update(status="error")
    assert coming_month_run_start(today=d(2026, 12, 22)) is not None


def test_sweep_nudges_waiting_runs_and_ends_stuck_ones(django_capture_on_commit_callbacks):
    old = timezone.now() - datetime.timedelta(hours=1)
    waiting = ChargeRun.objects.create(period=MARCH, due_day=10, created_at=old)
    stuck = ChargeRun.objects.create(
        period=d(2026, 4, 1), due_day=10, status="running", created_at=old, started_at=old
    )
    fresh = ChargeRun.objects.create(period=d(2026, 5, 1), due_day=10)
    assert charge_runs_sweep() == [waiting.pk]
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == "error"
    assert fresh.status == "pending"


def test_the_run_counts_its_fees_and_its_page_refreshes_until_it_ends(flat, client):
    from django.urls import reverse

    from tests.factories import StaffFactory

    run = charge_run_start(period=MARCH)
    client.force_login(StaffFactory(is_superuser=True))
    url = reverse("admin:billing_chargerun_change", args=[run.pk])
    page = client.get(url).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "czeka na proces roboczy" in page

    charge_run_execute(run_id=run.pk)
    run.refresh_from_db()
    # rent, water and sewage, waste, the meter fee: 4 fees of the flat
    assert (run.fees_done, run.fees_total, run.charges_created) == (4, 4, 4)
    page = client.get(url).content.decode()
    assert "Naliczone opłaty: 4 z 4" in page
    assert '<meta http-equiv="refresh"' not in page
