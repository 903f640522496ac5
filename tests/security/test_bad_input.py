"""Bad input at every form and import a resident or a clerk fills in: never a 500, a message
the person can act on, and nothing stored changed (row counts and values before and after)."""

import datetime
import io

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import BaseForm, BaseFormSet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from billing.bank.services import statement_import_run
from billing.models import Charge, Payment, StatementImport, StatementLine
from faults.models import FaultPhoto, FaultReport
from messaging.models import Thread
from meters.models import Meter, Reading
from resolutions.models import Vote
from tests.billing.factories import ChargeFactory
from tests.factories import PASSWORD, AccessFactory, StaffFactory, UserFactory
from tests.faults.test_pages import form_data as fault_data
from tests.meters.factories import MeterFactory, WindowFactory
from tests.resolutions.factories import ballot_of, community_with, opened, own

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def snapshot(*models):
    return {m._meta.label: list(m.objects.order_by("pk").values()) for m in models}


def errors_in(response):
    """Every error message of every form and formset the page was rendered with."""
    found = []
    for context in response.context or []:
        for key, value in context.flatten().items():
            if key == "errors" and isinstance(value, list):  # an import's row errors
                found += [str(e) for e in value]
            elif isinstance(value, BaseForm) and value.is_bound:
                found += [str(e) for errs in value.errors.values() for e in errs]
            elif isinstance(value, BaseFormSet) and value.is_bound:
                found += [str(e) for errs in value.errors for v in errs.values() for e in v]
                found += [str(e) for e in value.non_form_errors()]
            elif hasattr(value, "form") and isinstance(value.form, BaseForm):
                found += [str(e) for errs in value.form.errors.values() for e in errs]
    return found


def assert_refused(response, before, after):
    assert response.status_code != 500
    assert response.status_code in (200, 400), response.status_code
    assert errors_in(response), "no message next to any field"
    assert after == before, "stored rows changed"


# --- login -------------------------------------------------------------------------------

LOGIN_CASES = [
    ("", ""),
    ("owner", ""),
    ("owner", "wrong-password"),
    ("x" * 5000, PASSWORD),
    ("owner\x00", PASSWORD),
    ("' OR 1=1 --", "x"),
    ("owner", "٣٣٣٣٣٣٣٣٣٣"),
    ("OWNER ", "wrong"),
]


@pytest.mark.parametrize(("login", "password"), LOGIN_CASES)
def test_login(client, owner, login, password):
    models = (User, Session)
    before = snapshot(*models)
    response = client.post(reverse("account_login"), {"login": login, "password": password})
    assert_refused(response, before, snapshot(*models))


# --- first password ----------------------------------------------------------------------

FIRST_PASSWORD_CASES = [
    ("", ""),
    ("krotkie", "krotkie"),
    ("Moje-Nowe-Haslo-77", "Inne-Haslo-77xx"),
    ("12345678901", "12345678901"),
    ("password123", "password123"),
    ("qwertyuiop", "qwertyuiop"),
]


@pytest.mark.parametrize(("one", "two"), FIRST_PASSWORD_CASES)
def test_first_password(client, owner, one, two):
    owner.must_change_password = True
    owner.save()
    client.force_login(owner)
    before = snapshot(User)
    response = client.post(
        reverse("first_password"), {"new_password1": one, "new_password2": two}
    )
    assert_refused(response, before, snapshot(User))


# --- meter reading -----------------------------------------------------------------------

READING_CASES = [
    {"value": "1e3"},
    {"value": "١٢٣"},
    {"value": "12,34567"},
    {"value": "-5"},
    {"value": "abc"},
    {"value": ""},
    {"value": "12.34.56"},
    {"value": "1" * 40},
    {"value": "NaN"},
    {"value": "12,5", "read_on": (TODAY + datetime.timedelta(days=3)).isoformat()},
    {"value": "12,5", "read_on": "2026-02-30"},
    {"value": "12,5", "token": "not-a-uuid"},
    {"value": "12,5", "photo": SimpleUploadedFile("x.jpg", b"#!/bin/sh\n", "image/jpeg")},
]


@pytest.mark.parametrize("changes", READING_CASES, ids=lambda c: repr(c)[:40])
def test_reading(owner_client, account, changes):
    WindowFactory(
        starts_on=TODAY - datetime.timedelta(days=5), ends_on=TODAY + datetime.timedelta(days=5)
    )
    meter = MeterFactory(premises=account.premises, serial_number="ZW-1001")
    url = reverse("meters:submit", args=[meter.pk])
    token = owner_client.get(url).context["form"].initial["token"]
    data = {"read_on": TODAY.isoformat(), "token": str(token), **changes}
    before = snapshot(Reading, Meter)
    response = owner_client.post(url, data)
    assert_refused(response, before, snapshot(Reading, Meter))


# --- fault report ------------------------------------------------------------------------

FAULT_CASES = [
    {"title": ""},
    {"category": "plague"},
    {"place": "the-moon"},
    {"description": ""},
    {"title": "x" * 5000},
    {"photos": [SimpleUploadedFile("x.jpg", b"\xff\xd8\xff\xe0<script>", "image/jpeg")]},
    {"photos": [SimpleUploadedFile("x.exe", b"MZ\x90\x00", "application/octet-stream")]},
]


@pytest.mark.parametrize("changes", FAULT_CASES, ids=lambda c: repr(c)[:40])
def test_fault_report(owner_client, account, changes):
    models = (FaultReport, FaultPhoto)
    before = snapshot(*models)
    response = owner_client.post(reverse("faults:new"), fault_data(account, **changes))
    assert_refused(response, before, snapshot(*models))


def test_fault_report_for_someone_elses_account(owner_client, other_account):
    before = snapshot(FaultReport)
    response = owner_client.post(reverse("faults:new"), fault_data(other_account))
    assert_refused(response, before, snapshot(FaultReport))


# --- messages to BOK ---------------------------------------------------------------------

THREAD_CASES = [
    {"subject": ""},
    {"subject": "x" * 201},
    {"text": ""},
    {"topic": "complaints-about-neighbours"},
    {"account": "abc"},
    {"attachment": SimpleUploadedFile("wirus.exe", b"MZ\x90\x00", "application/octet-stream")},
]


@pytest.mark.parametrize("changes", THREAD_CASES, ids=lambda c: repr(c)[:40])
def test_thread(owner_client, account, changes):
    data = {
        "account": account.pk,
        "topic": "payments",
        "subject": "Nadpłata",
        "text": "Proszę o zwrot.",
        **changes,
    }
    before = snapshot(Thread)
    response = owner_client.post(reverse("messaging:thread_new"), data)
    assert_refused(response, before, snapshot(Thread))


def test_thread_about_someone_elses_account(owner_client, other_account):
    data = {"account": other_account.pk, "topic": "payments", "subject": "x", "text": "y"}
    before = snapshot(Thread)
    response = owner_client.post(reverse("messaging:thread_new"), data)
    assert_refused(response, before, snapshot(Thread))


# --- vote --------------------------------------------------------------------------------


@pytest.mark.parametrize("choice", ["", "maybe", "for\x00", "x" * 1000])
def test_vote(client, choice):
    community, premises = community_with([(1, 4)] * 4)
    voter = UserFactory()
    own(premises[0], voter)
    for other in premises[1:]:
        own(other)
    resolution = opened(community)
    ballot = ballot_of(resolution, voter)
    client.force_login(voter)
    before = snapshot(Vote)
    response = client.post(
        reverse("resolutions:vote", args=[resolution.pk]),
        {"ballot": ballot.pk, f"b{ballot.pk}-choice": choice},
    )
    assert_refused(response, before, snapshot(Vote))


# --- staff: cash payment and corrections ---------------------------------------------------


@pytest.fixture
def accountant_client(client):
    client.force_login(StaffFactory(username="ksiegowa", groups=["Księgowość"]))
    return client


CASH_CASES = [
    {"amount": "1e3"},
    {"amount": "12,345"},
    {"amount": "-10,00"},
    {"amount": "0"},
    {"amount": "abc"},
    {"amount": "١٠٠"},
    {"amount": "9" * 20},
    {"paid_on": "2026-13-01"},
    {"account": ""},
    {"reason": ""},
]


@pytest.mark.parametrize("changes", CASH_CASES, ids=lambda c: repr(c)[:40])
def test_cash_payment(accountant_client, account, changes):
    data = {
        "account": account.pk,
        "amount": "1 234,56",
        "paid_on": timezone.localdate().isoformat(),
        "reason": "KP 17/2026",
        "payer": "Jan Kowalski",
        "title": "Czynsz",
        **changes,
    }
    before = snapshot(Payment)
    response = accountant_client.post(reverse("admin:billing_payment_cash"), data)
    assert_refused(response, before, snapshot(Payment))


@pytest.mark.parametrize("amount", ["1e2", "12,345", "abc", ""])
def test_charge_correction(accountant_client, account, amount):
    charge = ChargeFactory(account=account)
    url = reverse("admin:billing_charge_correct", args=[charge.pk])
    before = snapshot(Charge)
    response = accountant_client.post(url, {"amount": amount, "reason": "Błąd w stawce"})
    assert_refused(response, before, snapshot(Charge))


# --- staff: imports ----------------------------------------------------------------------

STATEMENTS = [
    b"",
    b"\x00\x01\x02\x03 binary",
    "to nie jest wyciąg\n".encode("cp1250") + b"\x85\x96",
    b":20:STARTUMS\n:25:nonsense\n:61:garbage\n",
]


@pytest.mark.parametrize("content", STATEMENTS)
def test_statement_upload(accountant_client, content):
    models = (StatementImport, StatementLine, Payment)
    before = snapshot(*models)
    response = accountant_client.post(
        reverse("admin:billing_statementimport_add"),
        {"file": SimpleUploadedFile("wyciag.sta", content)},
    )
    if response.status_code != 302:
        assert_refused(response, before, snapshot(*models))
        return
    # It looks like a statement, so the upload stores it for the worker, which refuses it
    # with the reason on the import's page and books nothing.
    (statement,) = StatementImport.objects.all()
    statement_import_run(statement_id=statement.pk)
    statement.refresh_from_db()
    assert statement.status == StatementImport.Status.ERROR
    assert statement.error.strip()
    after = snapshot(*models)
    for model in (StatementLine, Payment):
        assert after[model._meta.label] == before[model._meta.label]


METER_CSVS = [
    "bez;naglowka\n1;2\n",
    "",
    "\x00\x01\x02",
]


@pytest.mark.parametrize("text", METER_CSVS)
def test_meters_csv_import(client, staff, text):
    client.force_login(staff)
    AccessFactory()
    upload = io.BytesIO(text.encode())
    upload.name = "liczniki.csv"
    before = snapshot(Meter)
    response = client.post(reverse("admin:meters_meter_import"), {"file": upload})
    assert_refused(response, before, snapshot(Meter))
