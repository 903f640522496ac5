"""Billing in admin as clerks use it: Księgowość posts cash and corrections, BOK only looks;
posted money is read-only; the debtors list and its CSV; charge runs and fee schedules."""

import csv
import datetime
import io
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from billing.ledger.vat_rules import vat_rules
from billing.ledger_admin.debtors import debtors_list
from billing.models import Charge, ChargeRun, Fee, Payment
from tests.billing.factories import ChargeFactory, PaymentFactory, component
from tests.clients import Client
from tests.factories import AccountFactory, CommunityFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def accountant(db):
    return StaffFactory(username="ksiegowa", groups=["Księgowość"])


@pytest.fixture
def accountant_client(client, accountant, settings):
    client.force_login(accountant)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # messages as written in the code
    return client


@pytest.fixture
def bok_client(staff):
    client = Client()  # its own: a test may use both clerks
    client.force_login(staff)
    return client


def cash(client, **changes):
    data = {
        "account": "",
        "amount": "1 234,56",
        "paid_on": timezone.localdate().isoformat(),
        "reason": "KP 17/2026",
        "payer": "Jan Kowalski",
        "title": "Czynsz",
    }
    return client.post(reverse("admin:billing_payment_cash"), {**data, **changes})


def test_accountant_posts_a_cash_payment(accountant_client, accountant, account):
    response = cash(accountant_client, account=account.number)
    payment = Payment.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:billing_payment_change", args=[payment.pk])
    assert (payment.account, payment.amount, payment.method) == (account, D("1234.56"), "cash")
    assert (payment.reason, payment.posted_by) == ("KP 17/2026", accountant)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reason", "", "receipt number"),
        ("reason", "   ", "receipt number"),
        ("amount", "1e3", "123,45"),
        ("amount", "12,345", ""),  # three decimals
        ("amount", "١٢٣", "123,45"),  # Arabic-Indic digits
        ("amount", "0", "greater than zero"),
        ("account", "999999", "no account"),
        ("paid_on", "2026-02-31", ""),
    ],
)
def test_a_bad_cash_payment_is_refused_next_to_the_field(
    accountant_client, account, field, value, message
):
    changes = {"account": account.number, field: value}
    response = cash(accountant_client, **changes)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message.lower() in " ".join(errors[field]).lower()
    assert not Payment.objects.exists()


def test_bok_may_not_post_cash_or_correct(bok_client, account):
    charge = ChargeFactory(account=account)
    payment = PaymentFactory(account=account)
    assert bok_client.get(reverse("admin:billing_payment_cash")).status_code == 403
    assert cash(bok_client, account=account.number).status_code == 403
    url = reverse("admin:billing_charge_correct", args=[charge.pk])
    assert bok_client.post(url, {"new_amount": "1", "reason": "x"}).status_code == 403
    url = reverse("admin:billing_payment_correct", args=[payment.pk])
    assert bok_client.post(url, {"new_amount": "1", "reason": "x"}).status_code == 403
    assert Charge.objects.count() == 1
    assert Payment.objects.count() == 1
    # …but sees the lists and the debtors
    assert bok_client.get(reverse("admin:billing_charge_changelist")).status_code == 200
    assert bok_client.get(reverse("admin:billing_payment_changelist")).status_code == 200
    assert bok_client.get(reverse("admin:billing_debtors")).status_code == 200


def test_accountant_corrects_a_charge(accountant_client, accountant, account):
    charge = ChargeFactory(account=account, amount=D("100.00"))
    url = reverse("admin:billing_charge_correct", args=[charge.pk])
    assert accountant_client.get(url).status_code == 200
    response = accountant_client.post(url, {"new_amount": "80,00", "reason": "Zła stawka"})
    assert response.status_code == 302
    correction = Charge.objects.get(corrects=charge)
    assert (correction.amount, correction.reason, correction.posted_by) == (
        D("-20.00"),
        "Zła stawka",
        accountant,
    )
    assert correction.due_date == charge.due_date


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"new_amount": "80", "reason": ""}, "reason", "reason"),
        ({"new_amount": "100,00", "reason": "bez zmian"}, "new_amount", "already has"),
        ({"new_amount": "-5", "reason": "ujemna"}, "new_amount", "negative"),
        ({"new_amount": "8O", "reason": "literówka"}, "new_amount", "123,45"),
    ],
)
def test_a_bad_charge_correction_is_refused(accountant_client, account, data, field, message):
    charge = ChargeFactory(account=account, amount=D("100.00"))
    url = reverse("admin:billing_charge_correct", args=[charge.pk])
    response = accountant_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors[field]), errors
    assert Charge.objects.count() == 1


def test_accountant_reverses_a_payment(accountant_client, account):
    payment = PaymentFactory(account=account, amount=D("250.00"))
    url = reverse("admin:billing_payment_correct", args=[payment.pk])
    response = accountant_client.post(url, {"new_amount": "0", "reason": "Wpłata na złe konto"})
    assert response.status_code == 302
    correction = Payment.objects.get(corrects=payment)
    assert (correction.amount, correction.method) == (D("-250.00"), "correction")


def test_a_payment_correction_without_a_reason_stores_nothing(accountant_client, account):
    payment = PaymentFactory(account=account)
    url = reverse("admin:billing_payment_correct", args=[payment.pk])
    response = accountant_client.post(url, {"new_amount": "50", "reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(
    ("model", "factory"), [("charge", ChargeFactory), ("payment", PaymentFactory)]
)
def test_posted_money_is_read_only_even_for_the_accountant(
    accountant_client, account, model, factory
):
    entry = factory(account=account)
    change = reverse(f"admin:billing_{model}_change", args=[entry.pk])
    response = accountant_client.get(change)
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    assert f"billing/{model}/{entry.pk}/correct/".encode() in response.content
    assert accountant_client.post(change, {"amount": "1"}).status_code == 403
    delete = reverse(f"admin:billing_{model}_delete", args=[entry.pk])
    assert accountant_client.post(delete, {"post": "yes"}).status_code == 403
    assert accountant_client.get(reverse(f"admin:billing_{model}_add")).status_code == 403
    entry.refresh_from_db()
    assert entry.amount == D("100.00")


def test_charges_are_searched_by_account_number_and_filtered_by_month(accountant_client):
    mine, other = AccountFactory(number="4711"), AccountFactory(number="4712")
    ChargeFactory(account=mine, title="Czynsz 03/2026", period=datetime.date(2026, 3, 1))
    ChargeFactory(account=other, title="Czynsz 04/2026", period=datetime.date(2026, 4, 1))
    url = reverse("admin:billing_charge_changelist")
    response = accountant_client.get(url, {"q": "4711"})
    assert [c.account.number for c in response.context["cl"].result_list] == ["4711"]
    response = accountant_client.get(url, {"period": "2026-04-01"})
    assert [c.account.number for c in response.context["cl"].result_list] == ["4712"]


@pytest.fixture
def debts():
    """Today-relative ledgers: one debtor, one settled account, one overpaid."""
    today = timezone.localdate()
    ago = lambda days: today - datetime.timedelta(days=days)  # noqa: E731
    debtor = AccountFactory(number="7001", holder_name="Anna Dłużna")
    ChargeFactory(account=debtor, amount=D("300.00"), due_date=ago(70))
    ChargeFactory(account=debtor, amount=D("300.00"), due_date=ago(40))
    ChargeFactory(account=debtor, amount=D("300.00"), due_date=ago(-5))  # not due yet
    PaymentFactory(account=debtor, amount=D("250.00"), paid_on=ago(60))
    settled = AccountFactory(number="7002")
    ChargeFactory(account=settled, amount=D("120.50"), due_date=ago(30))
    PaymentFactory(account=settled, amount=D("120.50"), paid_on=ago(31))
    overpaid = AccountFactory(number="7003")
    ChargeFactory(account=overpaid, amount=D("100.00"), due_date=ago(30))
    PaymentFactory(account=overpaid, amount=D("150.00"), paid_on=ago(31))
    late = AccountFactory(number="7004")
    charge = ChargeFactory(account=late, amount=D("100.00"), due_date=ago(10))
    # a correction keeps the due date of the charge it corrects
    ChargeFactory(account=late, amount=D("-40.00"), due_date=ago(10), corrects=charge, reason="x")
    return today


def test_debtors_figures(debts):
    rows = {r.number: r for r in debtors_list(today=debts).rows}
    assert set(rows) == {"7001", "7004"}
    debtor = rows["7001"]
    # 900 charged − 250 paid; of the 600 due before today 250 is paid (oldest first)
    assert (debtor.owed, debtor.overdue) == (D("650.00"), D("350.00"))
    assert debtor.oldest_due == debts - datetime.timedelta(days=70)
    assert debtor.age_days == 70
    assert (rows["7004"].owed, rows["7004"].overdue, rows["7004"].age_days) == (
        D("60.00"),
        D("60.00"),
        10,
    )


def test_debtors_page_and_csv(accountant_client, debts):
    response = accountant_client.get(reverse("admin:billing_debtors"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Anna Dłużna" in page
    assert "7002" not in page
    # the staff member reads English here, so the amounts are English too
    assert "650.00" in page
    assert "350.00" in page
    assert "1,010.00" not in page  # sanity: no made-up totals
    assert "710.00" in page  # totals: 650 + 60, 350 + 60
    assert "410.00" in page
    response = accountant_client.get(reverse("admin:billing_debtors_csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 3
    assert rows[1][0] == "7001"
    assert rows[1][3:] == [
        "650,00",
        "350,00",
        (debts - datetime.timedelta(days=70)).isoformat(),
        "70",
    ]


def test_debtors_list_by_creditor(accountant_client, debts):
    owner = AccountFactory(
        kind="community_ownership", premises__building__community=CommunityFactory()
    )
    ChargeFactory(account=owner, due_date=debts - datetime.timedelta(days=3))
    url = reverse("admin:billing_debtors")
    numbers = lambda r: sorted(d.number for d in r.context["debtors"].rows)  # noqa: E731
    community_id = owner.premises.building.community_id
    assert numbers(accountant_client.get(url, {"creditor": "municipal"})) == ["7001", "7004"]
    assert numbers(accountant_client.get(url, {"creditor": community_id})) == [owner.number]
    assert len(numbers(accountant_client.get(url, {"creditor": "9999"}))) == 3  # unknown: all


def test_debtors_page_takes_the_same_queries_for_2_or_22_debtors(
    accountant_client, debts, django_assert_num_queries
):
    url = reverse("admin:billing_debtors")
    accountant_client.get(url)  # the first request after logging in also refreshes the session
    with CaptureQueriesContext(connection) as few:
        assert len(accountant_client.get(url).context["debtors"].rows) == 2
    for n in range(20):
        ChargeFactory(account=AccountFactory(), due_date=debts - datetime.timedelta(days=n + 1))
    with django_assert_num_queries(len(few)):
        assert len(accountant_client.get(url).context["debtors"].rows) == 22


def test_accountant_starts_a_charge_run(
    accountant_client, accountant, django_capture_on_commit_callbacks
):
    url = reverse("admin:billing_chargerun_add")
    assert accountant_client.get(url).status_code == 200
    with django_capture_on_commit_callbacks() as callbacks:
        response = accountant_client.post(url, {"period": "12/2026", "due_day": "15"})
    run = ChargeRun.objects.get()
    assert response.status_code == 302
    assert (run.period, run.due_day, run.status, run.created_by) == (
        datetime.date(2026, 12, 1),
        15,
        "pending",
        accountant,
    )
    assert len(callbacks) == 1  # the worker's nudge, after commit


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"period": "13/2026", "due_day": "10"}, "period"),
        ({"period": "grudzień", "due_day": "10"}, "period"),
        ({"period": "12/2026", "due_day": "31"}, "due_day"),
    ],
)
def test_a_bad_charge_run_is_refused(accountant_client, data, field):
    response = accountant_client.post(reverse("admin:billing_chargerun_add"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not ChargeRun.objects.exists()


def test_a_month_already_charged_is_refused_next_to_the_month(accountant_client, settings):
    accountant_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pl"  # as the clerk reads it
    done = ChargeRun.objects.create(
        period=datetime.date(2026, 12, 1),
        due_day=10,
        status="done",
        finished_at=datetime.datetime(2026, 11, 20, 1, 30, tzinfo=datetime.UTC),
    )
    url = reverse("admin:billing_chargerun_add")
    response = accountant_client.post(url, {"period": "12/2026", "due_day": "10"})
    assert response.status_code == 200
    error = response.context["form"].errors["period"][0]
    assert "12/2026" in error
    assert "20 listopada 2026" in error
    assert "Uruchom ponownie" in error
    assert list(ChargeRun.objects.all()) == [done]


def test_run_again_action_and_bok_cannot_start(accountant_client, bok_client):
    run = ChargeRun.objects.create(period=datetime.date(2026, 3, 1), due_day=12, status="done")
    changelist = reverse("admin:billing_chargerun_changelist")
    response = accountant_client.post(
        changelist, {"action": "run_again", "_selected_action": [run.pk]}
    )
    assert response.status_code == 302
    again = ChargeRun.objects.exclude(pk=run.pk).get()
    assert (again.period, again.due_day) == (run.period, 12)
    assert bok_client.get(reverse("admin:billing_chargerun_add")).status_code == 403


def test_fee_takes_a_typed_price(accountant_client):
    shop = AccountFactory(kind="commercial_lease", premises__kind="commercial")
    data = {
        "account": shop.pk,
        "component": component("commercial_rent").pk,
        "basis": "per_m2",
        "unit_price": "38,50",
        "quantity": "",
        "valid_from": "2026-01-01",
        "valid_to": "",
    }
    response = accountant_client.post(reverse("admin:billing_fee_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Fee.objects.get().unit_price == D("38.5000")


def rules_form(component, rows):
    """The component's change form with its VAT rules inline (existing rows kept)."""
    existing = list(component.vat_rules.order_by("account_kind", "-valid_from"))
    data = {
        "code": component.code,
        "name": component.name,
        "order": component.order,
        "vat_rules-TOTAL_FORMS": str(len(existing) + len(rows)),
        "vat_rules-INITIAL_FORMS": str(len(existing)),
        "vat_rules-MIN_NUM_FORMS": "0",
        "vat_rules-MAX_NUM_FORMS": "1000",
    }
    for i, rule in enumerate(existing):
        data.update(
            {
                f"vat_rules-{i}-id": rule.pk,
                f"vat_rules-{i}-component": component.pk,
                f"vat_rules-{i}-account_kind": rule.account_kind,
                f"vat_rules-{i}-valid_from": rule.valid_from.isoformat(),
                f"vat_rules-{i}-vat_rate": rule.vat_rate,
                f"vat_rules-{i}-exemption_basis": rule.exemption_basis,
            }
        )
    for i, row in enumerate(rows, start=len(existing)):
        data.update(
            {
                f"vat_rules-{i}-component": component.pk,
                **{f"vat_rules-{i}-{k}": v for k, v in row.items()},
            }
        )
    return data


def test_accountant_records_a_change_of_a_components_vat_rate(accountant_client):
    water = component("water_sewage")
    url = reverse("admin:billing_component_change", args=[water.pk])
    before = water.vat_rules.count()
    # An exemption without its legal basis is refused next to the field, nothing is stored.
    data = rules_form(
        water,
        [{"account_kind": "", "valid_from": "2027-01-01", "vat_rate": "zw", "exemption_basis": ""}],
    )
    response = accountant_client.post(url, data)
    assert response.status_code == 200
    (formset,) = response.context["inline_admin_formsets"]
    assert "exemption_basis" in formset.formset.errors[-1]
    assert water.vat_rules.count() == before
    data = rules_form(
        water,
        [
            {
                "account_kind": "commercial_lease",
                "valid_from": "2027-01-01",
                "vat_rate": "23",
                "exemption_basis": "",
            }
        ],
    )
    assert accountant_client.post(url, data).status_code == 302
    rules = vat_rules()
    assert rules.vat(water.pk, "commercial_lease", datetime.date(2026, 12, 31)).rate == "8"
    assert rules.vat(water.pk, "commercial_lease", datetime.date(2027, 1, 1)).rate == "23"
    # a flat's water keeps its own kind's rule (migration 0016), the rest the rule for all
    assert rules.vat(water.pk, "municipal_tenancy", datetime.date(2027, 1, 1)).rate == "8"
    assert rules.vat(water.pk, "", datetime.date(2027, 1, 1)).rate == "zw"


def test_account_page_shows_its_fee_schedule(accountant_client, account):
    response = accountant_client.get(reverse("admin:accounts_account_change", args=[account.pk]))
    assert response.status_code == 200
    assert b"fees-TOTAL_FORMS" in response.content


def test_the_component_list_says_each_components_vat_rate_now(accountant_client, settings):
    accountant_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pl"
    page = accountant_client.get(reverse("admin:billing_component_changelist")).content.decode()
    assert "najem lokalu użytkowego: 8%, pozostałe konta: zw." in page  # water and sewage
    assert "wszystkie konta: nie podlega VAT" in page  # the repair fund
