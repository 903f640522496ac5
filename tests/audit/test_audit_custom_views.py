"""The audit log of the admin's custom views, actions and list pages.

Every custom admin view that changes a resident's data leaves an event with the clerk, the
resident and the old and new values (written by the service in its own transaction, or by the
view when the service takes no clerk); every one that shows or exports residents' data leaves a
read (VIEW or EXPORT). Every list page of residents' data is one VIEW with its search and
filters. `CUSTOM_URLS`, `OVERRIDDEN_VIEWS` and `ACTIONS` declare each custom view and action:
`test_every_custom_admin_view_and_action_is_declared` walks the admin site, so a new custom view
or action fails the suite until it is declared audited (naming the test that proves it) or as
deliberately not touching residents' data.
"""

import datetime
import io
from decimal import Decimal as D

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone, translation

from audit.models import AuditEvent
from billing.invoices.models import InvoiceXml
from billing.models import Charge, ChargeRun, Invoice, Payment, StatementLine
from faults.models import FaultReport
from messaging.models import Notice, Thread
from meters.models import Meter, Reading
from resolutions.models import Resolution, ResultNotice
from tests.billing.factories import ChargeFactory, PaymentFactory
from tests.billing.invoice_factories import commercial_account_with_charges
from tests.billing.statements import Transfer, mt940
from tests.factories import AccountFactory, StaffFactory
from tests.faults.factories import PhotoFactory, ReportFactory
from tests.messaging.factories import message_with_attachment, notice, thread_of
from tests.meters.factories import MeterFactory, ReadingFactory, WindowFactory, meter_of
from tests.resolutions.factories import community_in_vote, community_with, draft, own

pytestmark = pytest.mark.django_db

AUDITED = "audited"
NO_RESIDENT_DATA = "no residents' data"

WATER = "test_a_water_settlement_preview_export_post_correction_and_advances"
# Admin URL names beyond a ModelAdmin's standard five: (what, the test proving it, or why not).
CUSTOM_URLS = {
    "accessibility_request_extend": (AUDITED, "test_accessibility_steps_are_recorded"),
    "accessibility_request_answer": (AUDITED, "test_accessibility_steps_are_recorded"),
    "accounts_user_issue_credentials": (
        AUDITED,
        "test_issuing_credentials_records_the_e_mail_and_the_issue_never_the_password",
    ),
    "auth_user_password_change": (AUDITED, "test_a_password_set_in_the_admin_is_recorded"),
    "billing_certificate_revoke": (AUDITED, "test_revoking_a_certificate_is_recorded"),
    "billing_charge_correct": (AUDITED, "test_corrections_record_the_old_and_new_amount"),
    "billing_payment_correct": (AUDITED, "test_corrections_record_the_old_and_new_amount"),
    "billing_payment_cash": (AUDITED, "test_a_cash_payment_is_recorded_as_an_add"),
    "billing_debtors": (AUDITED, "test_the_debtors_list_and_its_csv_are_recorded"),
    "billing_debtors_csv": (AUDITED, "test_the_debtors_list_and_its_csv_are_recorded"),
    "billing_invoice_issue": (AUDITED, "test_invoices_issued_corrected_downloaded_and_resent"),
    "billing_invoice_correct": (AUDITED, "test_invoices_issued_corrected_downloaded_and_resent"),
    "billing_invoice_pdf": (AUDITED, "test_invoices_issued_corrected_downloaded_and_resent"),
    "billing_invoice_xml": (AUDITED, "test_invoices_issued_corrected_downloaded_and_resent"),
    "billing_invoice_upo": (AUDITED, "test_invoices_issued_corrected_downloaded_and_resent"),
    "billing_statementline_assign": (AUDITED, "test_statement_upload_assign_and_ignore"),
    "billing_statementline_ignore": (AUDITED, "test_statement_upload_assign_and_ignore"),
    "billing_settlementrun_preview": (AUDITED, WATER),
    "billing_settlementrun_csv": (AUDITED, WATER),
    "billing_settlementrun_post": (AUDITED, WATER),
    "billing_settlementrun_advances": (AUDITED, WATER),
    "billing_settlementrun_move_out": (
        NO_RESIDENT_DATA, "creates the move-out run from a number typed; the preview reads",
    ),
    "billing_settlement_correct": (AUDITED, WATER),
    "billing_settlementjob_next": (AUDITED, WATER),
    "faults_faultreport_handle": (AUDITED, "test_the_fault_handling_page_and_its_changes"),
    "faults_faultphoto_view": (AUDITED, "test_the_fault_handling_page_and_its_changes"),
    "messaging_user_deliveries": (AUDITED, "test_deliveries_and_a_message_attachment_are_reads"),
    "messaging_thread_attachment": (AUDITED, "test_deliveries_and_a_message_attachment_are_reads"),
    "messaging_thread_reply": (AUDITED, "test_a_reply_close_and_reopen_are_recorded"),
    "messaging_notice_publish": (AUDITED, "test_publishing_and_withdrawing_a_notice"),
    "meters_meter_import": (AUDITED, "test_a_meter_import_is_recorded_meter_by_meter"),
    "meters_reading_correct": (AUDITED, "test_readings_entered_corrected_and_accepted"),
    "meters_reading_enter": (AUDITED, "test_readings_entered_corrected_and_accepted"),
    "meters_readingwindow_missing": (AUDITED, "test_missing_readings_and_the_export"),
    "meters_readingwindow_export": (AUDITED, "test_missing_readings_and_the_export"),
    "resolutions_resolution_tally": (AUDITED, "test_a_vote_from_opening_to_the_letters"),
    "resolutions_resolution_paper": (AUDITED, "test_a_vote_from_opening_to_the_letters"),
    "resolutions_resolution_protocol": (AUDITED, "test_a_vote_from_opening_to_the_letters"),
    "resolutions_resolution_letters": (AUDITED, "test_a_vote_from_opening_to_the_letters"),
    # The site's own pages.
    "autocomplete": (AUDITED, "test_an_autocomplete_search_is_recorded"),
    "index": (NO_RESIDENT_DATA, "the list of models"),
    "app_list": (NO_RESIDENT_DATA, "the list of an app's models"),
    "login": (NO_RESIDENT_DATA, "recorded by the login signals"),
    "logout": (NO_RESIDENT_DATA, "recorded by the logout signal"),
    "password_change": (NO_RESIDENT_DATA, "the clerk's own password"),
    "password_change_done": (NO_RESIDENT_DATA, "a confirmation"),
    "jsi18n": (NO_RESIDENT_DATA, "JavaScript translations"),
    "view_on_site": (NO_RESIDENT_DATA, "a redirect to the object's public page"),
}

# Standard views a ModelAdmin of ours overrides: (what, the test, or why the mixin covers it).
OVERRIDDEN_VIEWS = {
    "billing.ChargeRun.add_view": (AUDITED, "test_charge_runs_started_by_a_clerk_are_recorded"),
    "billing.ChargeRun.change_view": (AUDITED, "calls the audited change_view"),
    "billing.SettlementRun.add_view": (NO_RESIDENT_DATA, "creates the run; the preview reads"),
    "billing.SettlementRun.change_view": (NO_RESIDENT_DATA, "redirects to the preview"),
    "billing.SettlementJob.change_view": (AUDITED, "calls the audited change_view"),
    "billing.StatementImport.add_view": (AUDITED, "test_statement_upload_assign_and_ignore"),
    "billing.StatementImport.change_view": (AUDITED, "calls the audited change_view"),
    "billing.StatementLine.change_view": (AUDITED, "calls the audited change_view"),
    "billing.Payment.changelist_view": (AUDITED, "calls the audited changelist_view"),
    "billing.Invoice.changelist_view": (AUDITED, "calls the audited changelist_view"),
    "messaging.Thread.add_view": (AUDITED, "the service audits; test_staff_threads"),
    "faults.FaultReport.add_view": (AUDITED, "the service audits; tests/faults/test_on_behalf"),
    # adds the count of meters to replace (no resident's data)
    "meters.Meter.changelist_view": (AUDITED, "calls the audited changelist_view"),
}

# Admin actions, by model label and action name.
ACTIONS = {
    "*.delete_selected": (AUDITED, "delete_queryset records each row (test_audit.py)"),
    "accounts.Account.end_access": (AUDITED, "test_ending_access_is_recorded_access_by_access"),
    "account.EmailAddress.make_verified": (AUDITED, "test_every_action_run_is_recorded"),
    "billing.ChargeRun.run_again": (AUDITED, "test_charge_runs_started_by_a_clerk_are_recorded"),
    "billing.Invoice.send_again": (AUDITED, "test_invoices_issued_corrected_downloaded_and_resent"),
    "billing.Invoice.render_missing_pdfs": (NO_RESIDENT_DATA, "queues rendering; the run is"),
    "billing.Invoice.send_to_ksef": (NO_RESIDENT_DATA, "queues sending; KSeF's answer is kept"),
    "billing.Invoice.rebuild_for_ksef": (
        AUDITED,
        "test_invoices_issued_corrected_downloaded_and_resent",
    ),
    "faults.FaultReport.accept": (AUDITED, "test_every_action_run_is_recorded"),
    "meters.Reading.accept": (AUDITED, "test_readings_entered_corrected_and_accepted"),
    "messaging.Notice.publish": (AUDITED, "test_publishing_and_withdrawing_a_notice"),
    "messaging.Notice.withdraw": (AUDITED, "test_publishing_and_withdrawing_a_notice"),
    "messaging.Thread.close": (AUDITED, "test_a_reply_close_and_reopen_are_recorded"),
    "messaging.Thread.reopen": (AUDITED, "test_a_reply_close_and_reopen_are_recorded"),
    "resolutions.Resolution.open_votes": (AUDITED, "test_a_vote_from_opening_to_the_letters"),
    "resolutions.Resolution.close_votes": (AUDITED, "test_a_vote_from_opening_to_the_letters"),
    "resolutions.ResultNotice.delivered_today": (
        AUDITED,
        "test_a_vote_from_opening_to_the_letters",
    ),
}

STANDARD_VIEWS = ("changelist_view", "add_view", "change_view", "delete_view", "history_view")
STANDARD_URLS = ("changelist", "add", "history", "delete", "change")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def accountant(db):
    return StaffFactory(username="ksiegowa", groups=["Księgowość"])


@pytest.fixture
def bok(db):
    return StaffFactory(username="bok", groups=["BOK"])


@pytest.fixture
def boss(db):
    return StaffFactory(username="kierownik", is_superuser=True)


def as_user(client, user):
    client.force_login(user)
    return client


def only(**filters):
    [event] = AuditEvent.objects.filter(**filters)
    return event


def changes(**filters):
    return AuditEvent.objects.filter(action__in=["add", "change", "delete"], **filters)


def latest(**filters):
    return changes(**filters).order_by("-pk").first()


def run_action(client, model, name, *objects):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client.post(url, {"action": name, "_selected_action": [o.pk for o in objects]})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


# -- money ------------------------------------------------------------------------------------


def test_a_cash_payment_is_recorded_as_an_add(client, accountant, owner, account):
    response = as_user(client, accountant).post(
        reverse("admin:billing_payment_cash"),
        {
            "account": account.number,
            "amount": "1 234,56",
            "paid_on": "2026-11-20",
            "reason": "KP 17/2026",
            "payer": "Jan Kowalski",
            "title": "Czynsz",
        },
    )
    assert response.status_code == 302
    payment = Payment.objects.get()
    event = only(action="add", object_type="billing.payment")
    assert (event.actor, event.resident, event.object_id) == (accountant, owner, str(payment.pk))
    assert event.new == {
        "account": account.pk,
        "amount": "1234.56",
        "paid_on": "2026-11-20",
        "method": "cash",
        "title": "Czynsz",
        "payer": "Jan Kowalski",
        "reason": "KP 17/2026",
    }
    assert event.ip == "127.0.0.1"  # known to the service through the admin site


def test_corrections_record_the_old_and_new_amount(client, accountant, owner, account):
    client = as_user(client, accountant)
    charge = ChargeFactory(account=account, amount=D("100.00"))
    payment = PaymentFactory(account=account, amount=D("50.00"))
    url = reverse("admin:billing_charge_correct", args=[charge.pk])
    assert client.get(url).status_code == 200
    read = only(action="view", object_type="billing.charge")
    assert read.object_id == str(charge.pk)
    assert read.resident == owner
    assert read.new == {"view": "Correction form"}
    assert client.post(url, {"new_amount": "80,00", "reason": "Zła stawka"}).status_code == 302
    correction = Charge.objects.get(corrects=charge)
    event = only(action="change", object_type="billing.charge")
    assert (event.actor, event.resident, event.object_id) == (accountant, owner, str(charge.pk))
    assert event.old == {"amount": "100.00"}
    assert event.new == {"amount": "80.00", "correction": correction.pk, "reason": "Zła stawka"}

    url = reverse("admin:billing_payment_correct", args=[payment.pk])
    assert client.post(url, {"new_amount": "0", "reason": "Zły rachunek"}).status_code == 302
    event = only(action="change", object_type="billing.payment")
    assert event.object_id == str(payment.pk)
    assert event.resident == owner
    assert event.old == {"amount": "50.00"}
    assert event.new["amount"] == "0.00"
    # A refused correction changes nothing and records nothing.
    client.post(url, {"new_amount": "0", "reason": ""})
    assert changes().count() == 2


def test_the_debtors_list_and_its_csv_are_recorded(client, accountant, account):
    client = as_user(client, accountant)
    ChargeFactory(account=account, due_date=timezone.localdate() - datetime.timedelta(days=40))
    response = client.get(reverse("admin:billing_debtors"), {"creditor": "municipal"})
    assert response.status_code == 200
    page = only(action="view", object_type="accounts.account")
    assert page.actor == accountant
    assert page.object_id == ""
    assert page.resident is None
    assert page.object_repr == "Debtors list"
    assert page.new == {"view": "Debtors list", "creditor": "municipal", "rows": 1, "page": "1"}
    assert client.get(reverse("admin:billing_debtors_csv")).status_code == 200
    export = only(action="export")
    assert export.object_type == "accounts.account"
    assert export.new == {"view": "Debtors list (CSV)", "creditor": "", "rows": 1}


def test_charge_runs_started_by_a_clerk_are_recorded(
    client, accountant, django_capture_on_commit_callbacks
):
    from billing.ledger.charge_run import charge_run_start

    client = as_user(client, accountant)
    with django_capture_on_commit_callbacks():
        response = client.post(
            reverse("admin:billing_chargerun_add"), {"period": "12/2026", "due_day": "15"}
        )
    assert response.status_code == 302
    run = ChargeRun.objects.get()
    event = only(action="add", object_type="billing.chargerun")
    assert event.actor == accountant
    assert event.object_id == str(run.pk)
    assert event.new == {"period": "2026-12-01", "due_day": 15}
    ChargeRun.objects.update(status=ChargeRun.Status.DONE)
    with django_capture_on_commit_callbacks():
        run_action(client, ChargeRun, "run_again", run)
    assert changes(action="add", object_type="billing.chargerun").count() == 2
    # A run started by the schedule (no clerk) is not a staff action.
    ChargeRun.objects.update(status=ChargeRun.Status.DONE)
    with django_capture_on_commit_callbacks():
        charge_run_start(period=datetime.date(2027, 1, 1))
    assert changes(action="add", object_type="billing.chargerun").count() == 2


def test_statement_upload_assign_and_ignore(client, accountant, owner, account):
    from billing.bank.services import statement_import_run

    client = as_user(client, accountant)
    data = mt940(
        [Transfer(D("77.00"), title="WPŁATA BEZ NUMERU"), Transfer(D("12.00"), title="ZWROT")]
    ).encode()
    response = client.post(
        reverse("admin:billing_statementimport_add"),
        {"file": SimpleUploadedFile("wyciag.sta", data)},
    )
    assert response.status_code == 302
    upload = only(action="add", object_type="billing.statementimport")
    assert upload.actor == accountant
    assert upload.new["original_name"] == "wyciag.sta"
    assert upload.new["file_format"] == "mt940"  # its lines are read by the worker, later
    statement_import_run(statement_id=int(upload.object_id))
    first, second = StatementLine.objects.order_by("amount").reverse()

    url = reverse("admin:billing_statementline_assign", args=[first.pk])
    assert client.post(url, {"account_number": account.number}).status_code == 302
    line = only(action="change", object_type="billing.statementline")
    assert (line.actor, line.resident, line.object_id) == (accountant, owner, str(first.pk))
    assert line.old == {"status": "unmatched", "account": None}
    assert line.new == {"status": "matched", "account": account.pk}
    payment = only(action="add", object_type="billing.payment")
    assert payment.resident == owner
    assert payment.new["amount"] == "77.00"

    url = reverse("admin:billing_statementline_ignore", args=[second.pk])
    assert client.post(url, {"reason": "Zwrot od dostawcy"}).status_code == 302
    ignored = only(action="change", object_id=str(second.pk))
    assert ignored.new == {"status": "ignored", "ignore_reason": "Zwrot od dostawcy"}


def test_invoices_issued_corrected_downloaded_and_resent(client, accountant, owner):
    account = commercial_account_with_charges(owner)
    client = as_user(client, accountant)
    response = client.post(
        reverse("admin:billing_invoice_issue"), {"period": "11/2026", "account": account.pk}
    )
    assert response.status_code == 302
    invoice = Invoice.objects.get()
    issued = only(action="add", object_type="billing.invoice")
    assert (issued.actor, issued.resident, issued.object_id) == (accountant, owner, str(invoice.pk))
    assert issued.new == {
        "number": invoice.number,
        "period": "2026-11-01",
        "gross_total": "3496.40",
    }

    url = reverse("admin:billing_invoice_correct", args=[invoice.pk])
    assert client.get(url).status_code == 200
    assert only(action="view", object_type="billing.invoice").new == {"view": "Correction form"}
    data = {"reason": "Błędna zaliczka", "line_0": "3 326,40", "line_1": "60,00"}
    response = client.post(url, {**data, "line_2": "50.00"})
    assert response.status_code == 302
    correction = Invoice.objects.get(kind="correction")
    corrected = only(action="change", object_type="billing.invoice")
    assert corrected.object_id == str(invoice.pk)
    assert corrected.resident == owner
    assert corrected.old == {"gross_total": "3496.40"}
    assert corrected.new == {
        "gross_total": "3436.40",  # 3 326.40 + 60.00 + 50.00
        "correction": correction.number,
        "reason": "Błędna zaliczka",
    }

    invoice.pdf_file.save("faktura.pdf", ContentFile(PDF), save=False)
    Invoice.objects.filter(pk=invoice.pk).update(pdf_status="done", pdf_file=invoice.pdf_file.name)
    assert client.get(reverse("admin:billing_invoice_pdf", args=[invoice.pk])).status_code == 200
    export = only(action="export", object_type="billing.invoice")
    assert export.object_id == str(invoice.pk)
    assert export.resident == owner
    assert export.new == {"view": "Invoice PDF"}
    response = client.get(reverse("admin:billing_invoice_xml", args=[invoice.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"<?xml")
    InvoiceXml.objects.filter(invoice=invoice).update(upo=b"<UPO/>")
    assert client.get(reverse("admin:billing_invoice_upo", args=[invoice.pk])).content == b"<UPO/>"
    exports = AuditEvent.objects.filter(action="export", object_id=str(invoice.pk))
    assert [e.new["view"] for e in exports.order_by("pk")] == [
        "Invoice PDF", "FA(3) XML", "UPO receipt"
    ]
    assert {e.resident for e in exports} == {owner}

    Invoice.objects.filter(pk=invoice.pk).update(ksef_status="rejected", ksef_error="450: x")
    run_action(client, Invoice, "rebuild_for_ksef", invoice)
    rebuilt = latest(object_type="billing.invoice", object_id=str(invoice.pk))
    assert rebuilt.new == {"ksef": "rebuilt", "ksef_status": "off"}
    assert rebuilt.resident == owner

    run_action(client, Invoice, "send_again", invoice)
    resent = latest(object_type="billing.invoice", object_id=str(invoice.pk))
    assert resent.new == {"resent_to": 1}
    assert resent.resident == owner


def test_revoking_a_certificate_is_recorded(client, boss, owner, account):
    from billing.certificates import services as certificates

    certificate = certificates.certificate_request(user=owner, account=account)
    url = reverse("admin:billing_certificate_revoke", args=[certificate.pk])
    assert as_user(client, boss).post(url, {"reason": "Błąd w saldzie"}).status_code == 302
    event = only(action="change", object_type="billing.certificate")
    assert (event.actor, event.resident) == (boss, owner)
    assert event.old == {"revoked_at": None}
    assert event.new["revoke_reason"] == "Błąd w saldzie"
    assert event.new["revoked_at"]


# -- people -----------------------------------------------------------------------------------


def test_issuing_credentials_records_the_e_mail_and_the_issue_never_the_password(
    client, bok, owner, django_capture_on_commit_callbacks
):
    client = as_user(client, bok)
    url = reverse("admin:accounts_user_issue_credentials", args=[owner.pk])
    assert client.get(url).status_code == 200
    read = only(action="view", object_type="accounts.user")
    assert read.resident == owner
    assert read.new == {"view": "Issue credentials"}
    old_email = owner.email
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            url,
            {
                "document_type": "passport",
                "method": "email",
                "email": "new@example.pl",
                "confirm_email_change": "on",
            },
        )
    assert response.status_code == 302
    email = only(action="change", object_type="accounts.user")
    assert (email.actor, email.resident) == (bok, owner)
    assert (email.old, email.new) == ({"email": old_email}, {"email": "new@example.pl"})
    issue = only(action="add", object_type="accounts.credentialissue")
    assert issue.resident == owner
    assert issue.ip == "127.0.0.1"
    assert issue.new["method"] == "email"
    assert issue.new["document_type"] == "passport"

    letter = client.post(url, {"document_type": "id_card", "method": "letter"})
    password = letter.context["password"]
    second = latest(object_type="accounts.credentialissue")
    assert second.new["credentials_ended"] == 1
    assert second.new["expires_at"] is None
    stored = [str(e.old) + str(e.new) + e.object_repr for e in AuditEvent.objects.all()]
    assert not any(password in text for text in stored)


def test_a_password_set_in_the_admin_is_recorded(client, boss, owner):
    url = reverse("admin:auth_user_password_change", args=[owner.pk])
    data = {"password1": "Nowe-Haslo-2026!", "password2": "Nowe-Haslo-2026!"}
    response = as_user(client, boss).post(url, {**data, "usable_password": "true"})
    assert response.status_code == 302
    event = only(action="change", object_type="accounts.user")
    assert (event.actor, event.resident, event.new) == (boss, owner, {"usable_password": True})
    assert "Nowe-Haslo" not in str(event.new) + str(event.old)


def test_ending_access_is_recorded_access_by_access(client, bok, owner, co_holder, account):
    run_action(as_user(client, bok), type(account), "end_access", account)
    ended = sorted(changes(object_type="accounts.accountaccess"), key=lambda e: int(e.object_id))
    assert [e.resident for e in ended] == [owner, co_holder]
    assert all(e.old == {"revoked_at": None} and e.new["revoked_at"] for e in ended)
    assert all(e.actor == bok for e in ended)


# -- faults -----------------------------------------------------------------------------------


def test_the_fault_handling_page_and_its_changes(client, bok, owner):
    report = ReportFactory(reporter=owner)
    client = as_user(client, bok)
    url = reverse("admin:faults_faultreport_handle", args=[report.pk])
    assert client.get(url).status_code == 200
    read = only(action="view", object_type="faults.faultreport")
    assert read.resident == owner
    assert read.new == {"view": "Fault handling page"}

    posts = [
        ({"action": "status", "status-new_status": "accepted"}, {"status": "new"}),
        ({"action": "public", "public-text": "Hydraulik jutro."}, {}),
        ({"action": "internal", "internal-text": "Zamówić zawór."}, {}),
        ({"action": "assign", "assign-assigned_to": bok.pk, "assign-contractor": "Hydro-Bud"}, {}),
    ]
    for data, _old in posts:
        assert client.post(url, data).status_code == 302, data
    events = list(changes(object_type="faults.faultreport").order_by("pk"))
    assert [e.new for e in events] == [
        {"status": "accepted", "comment": ""},
        {"public_comment": "Hydraulik jutro."},
        {"internal_note": "Zamówić zawór."},
        {"assigned_to": bok.pk, "contractor": "Hydro-Bud"},
    ]
    assert [e.old for e in events] == [
        {"status": "new"},
        {},
        {},
        {"assigned_to": None, "contractor": ""},
    ]
    assert {(e.actor, e.resident, e.object_id) for e in events} == {(bok, owner, str(report.pk))}
    # A refused change records nothing.
    client.post(url, {"action": "status", "status-new_status": "rejected"})
    assert changes().count() == 4

    photo = PhotoFactory(report=report)
    assert client.get(reverse("admin:faults_faultphoto_view", args=[photo.pk])).status_code == 200
    seen = only(action="view", object_type="faults.faultphoto")
    assert seen.object_id == str(photo.pk)
    assert seen.resident == owner


def test_every_action_run_is_recorded(client, bok, owner):
    report = ReportFactory(reporter=owner)
    run_action(as_user(client, bok), FaultReport, "accept", report)
    detail = only(action="change", object_type="faults.faultreport", object_id=str(report.pk))
    assert detail.new == {"status": "accepted", "comment": ""}
    assert detail.resident == owner
    run = only(action="change", object_type="faults.faultreport", object_id="")
    assert run.new == {"action": "accept", "rows": [report.pk]}
    assert (run.actor, run.resident) == (bok, owner)

    # An action of a third-party admin, which records nothing itself.
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.create(user=owner, email=owner.email, verified=False)
    boss = StaffFactory(is_superuser=True)
    run_action(as_user(client, boss), EmailAddress, "make_verified", address)
    verified = only(object_type="account.emailaddress")
    assert verified.new == {"action": "make_verified", "rows": [address.pk]}
    assert verified.resident == owner


# -- meters -----------------------------------------------------------------------------------


def test_a_meter_import_is_recorded_meter_by_meter(client, bok, owner, account):
    premises = account.premises
    old = MeterFactory(premises=premises, serial_number="STARY-1")
    place = f"{premises.building.street};{premises.number}"
    text = (
        "budynek;lokal;rodzaj;numer_seryjny;data_montazu;legalizacja_do;zastepuje\n"
        f"{place};ciepła;C-100;2026-01-15;2031-01-15;\n"
        f"{place};zimna;Z-200;15.01.2026;15.01.2031;STARY-1\n"
    )
    upload = io.BytesIO(text.encode())
    upload.name = "liczniki.csv"
    response = as_user(client, bok).post(reverse("admin:meters_meter_import"), {"file": upload})
    assert response.status_code == 302
    added = changes(action="add", object_type="meters.meter").order_by("pk")
    assert [e.new["serial_number"] for e in added] == ["C-100", "Z-200"]
    assert {(e.actor, e.resident) for e in added} == {(bok, owner)}
    assert added[0].new["premises"] == premises.pk
    assert added[0].new["installed_on"] == "2026-01-15"
    replaced = only(action="change", object_type="meters.meter")
    new = Meter.objects.get(serial_number="Z-200")
    assert replaced.object_id == str(old.pk)
    assert replaced.new == {"removed_on": "2026-01-15", "replaced_by": new.pk}


def test_readings_entered_corrected_and_accepted(client, bok, owner):
    today = timezone.localdate()
    meter = meter_of(owner)
    client = as_user(client, bok)
    response = client.post(
        reverse("admin:meters_reading_enter"),
        {
            "meter": meter.pk,
            "value": "12,5",
            "read_on": (today - datetime.timedelta(days=60)).isoformat(),
            "reason": "wizyta",
        },
    )
    assert response.status_code == 302
    entered = only(action="add", object_type="meters.reading")
    assert (entered.actor, entered.resident) == (bok, owner)  # through the meter's premises
    assert D(entered.new["value"]) == D("12.5")
    assert entered.new["reason"] == "wizyta"

    wrong = ReadingFactory(
        meter=meter, value=D("1000"), read_on=today - datetime.timedelta(days=1), submitted_by=owner
    )
    url = reverse("admin:meters_reading_correct", args=[wrong.pk])
    assert client.get(url).status_code == 200
    read = only(action="view", object_type="meters.reading")
    assert read.object_id == str(wrong.pk)
    assert read.new == {"view": "Correction form"}
    response = client.post(
        url, {"value": "14,5", "read_on": wrong.read_on.isoformat(), "reason": "Ze zdjęcia"}
    )
    assert response.status_code == 302
    correction = Reading.objects.get(correction_of=wrong)
    corrected = only(action="change", object_type="meters.reading", object_id=str(wrong.pk))
    assert corrected.resident == owner
    assert D(corrected.old["value"]) == D("1000")
    assert corrected.old["status"] == "accepted"
    assert D(corrected.new["value"]) == D("14.5")
    assert corrected.new["status"] == "corrected"
    assert corrected.new["correction"] == correction.pk

    flagged = ReadingFactory(
        meter=meter,
        value=D("20"),
        read_on=today,
        submitted_by=owner,
        status=Reading.Status.FLAGGED,
        flag_reason="Zużycie dziesięć razy większe niż zwykle",
    )
    run_action(client, Reading, "accept", flagged)
    accepted = only(action="change", object_id=str(flagged.pk))
    assert (accepted.old, accepted.new) == ({"status": "flagged"}, {"status": "accepted"})


def test_missing_readings_and_the_export(client, bok, owner):
    meter_of(owner)
    window = WindowFactory()
    client = as_user(client, bok)
    response = client.get(reverse("admin:meters_readingwindow_missing", args=[window.pk]))
    assert response.status_code == 200
    missing = only(action="view", object_type="meters.readingwindow")
    assert missing.object_id == str(window.pk)
    assert missing.new == {"view": "Missing readings", "meters": 1}
    response = client.get(reverse("admin:meters_readingwindow_export", args=[window.pk]))
    assert response.status_code == 200
    export = only(action="export", object_type="meters.readingwindow")
    assert export.actor == bok
    assert export.new["view"] == "Readings export"
    assert export.new["file"] in response["Content-Disposition"]


@pytest.mark.usefixtures("eager_tasks")  # the job/render runs in the test
def test_a_water_settlement_preview_export_post_correction_and_advances(
    client, boss, owner, django_capture_on_commit_callbacks
):
    from billing.ledger.models import Component, Fee
    from billing.water.models import Settlement, SettlementJob, SettlementPlan, WaterTariff
    from tests.billing.factories import water_part_of_the_rent

    account = owner.account_accesses.get().account
    water_part_of_the_rent()  # the flat's water without VAT, as the figures below
    plan = SettlementPlan.objects.create(building=account.premises.building,
                                         first_day=datetime.date(2026, 1, 1))
    plan.advance_components.add(Component.objects.get(code="water_sewage"))
    WaterTariff.objects.create(valid_from=datetime.date(2025, 1, 1), water_price=D("6.50"),
                               sewage_price=D("8.20"))
    meter = meter_of(owner)
    ReadingFactory(meter=meter, value=D("100"), read_on=datetime.date(2025, 12, 31))
    ReadingFactory(meter=meter, value=D("110"), read_on=datetime.date(2026, 6, 30))
    client = as_user(client, boss)
    with django_capture_on_commit_callbacks(execute=True):  # the jobs run eagerly
        client.post(reverse("admin:billing_settlementrun_add"),
                    {"building": plan.building_id, "day": "2026-02-01"})
    run_id = SettlementJob.objects.get().run_id
    started = only(action="add", object_type="billing.settlementjob")
    assert (started.actor, started.new["kind"]) == (boss, "preview")
    client.get(reverse("admin:billing_settlementrun_preview", args=[run_id]))
    read = only(action="view", object_type="billing.settlementrun")
    assert read.new == {"view": "water settlement preview", "accounts": 1}
    client.get(reverse("admin:billing_settlementrun_csv", args=[run_id]))
    assert only(action="export", object_type="billing.settlementrun").actor == boss
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:billing_settlementrun_post", args=[run_id]))
    document = Settlement.objects.get()
    added = only(action="add", object_type="billing.settlement")
    # 10 m³ × 14,70 = 147,00 zł; no advances charged: 147,00 to pay
    assert (added.resident, added.new["gross"], added.new["difference"]) == (
        owner, "147.00", "147.00",
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:billing_settlement_correct", args=[document.pk]),
                    {"reason": "Sprawdzenie"})
    correction = AuditEvent.objects.filter(
        action="add", object_type="billing.settlement"
    ).order_by("pk").last()
    assert correction.new["corrects"] == document.number
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:billing_settlementrun_advances", args=[run_id]),
                    {"from_month": "2026-08-01"})
    fee = Fee.objects.get(account=account, valid_from=datetime.date(2026, 8, 1))
    assert only(action="add", object_type="billing.fee").object_id == str(fee.pk)
    job = SettlementJob.objects.filter(kind="advances").get()
    job_url = reverse("admin:billing_settlementjob_change", args=[job.pk])
    assert client.get(job_url).status_code == 200
    assert only(action="view", object_type="billing.settlementjob").actor == boss
    preview = SettlementJob.objects.get(kind="preview")
    client.post(reverse("admin:billing_settlementjob_next", args=[preview.pk]))  # post again
    again = AuditEvent.objects.filter(object_type="billing.settlementjob").order_by("pk").last()
    assert (again.actor, again.new["kind"], again.new["run"]) == (boss, "post", run_id)


# -- messaging ------------------------------------------------------------------------------


def test_deliveries_and_a_message_attachment_are_reads(client, bok, owner):
    client = as_user(client, bok)
    url = reverse("admin:messaging_user_deliveries", args=[owner.pk])
    assert client.get(url).status_code == 200
    read = only(action="view", object_type="accounts.user")
    assert read.resident == owner
    assert read.new == {"view": "Deliveries to a person"}
    message = message_with_attachment(thread_of(owner))
    url = reverse("admin:messaging_thread_attachment", args=[message.thread_id, message.pk])
    assert client.get(url).status_code == 200
    opened = only(action="view", object_type="messaging.threadmessage")
    assert opened.object_id == str(message.pk)
    assert opened.resident == owner


def test_a_reply_close_and_reopen_are_recorded(client, bok, owner):
    thread = thread_of(owner)
    client = as_user(client, bok)
    response = client.post(
        reverse("admin:messaging_thread_reply", args=[thread.pk]),
        {"text": "Nadpłata zostanie zwrócona.", "close": "on"},
    )
    assert response.status_code == 302
    reply = only(action="add", object_type="messaging.threadmessage")
    assert (reply.actor, reply.resident) == (bok, owner)
    assert reply.new == {"text": "Nadpłata zostanie zwrócona.", "attachment": ""}
    closed = only(action="change", object_type="messaging.thread", object_id=str(thread.pk))
    assert (closed.old, closed.new, closed.resident) == (
        {"status": "open"},
        {"status": "closed"},
        owner,
    )
    run_action(client, Thread, "reopen", thread)
    reopened = latest(object_type="messaging.thread", object_id=str(thread.pk))
    assert (reopened.old, reopened.new) == ({"status": "closed"}, {"status": "open"})


def test_publishing_and_withdrawing_a_notice(client, bok, django_capture_on_commit_callbacks):
    draft_notice = notice(clerk=bok)
    later = notice(clerk=bok, publish_at=timezone.now() + datetime.timedelta(days=3))
    client = as_user(client, bok)
    with django_capture_on_commit_callbacks():
        client.post(reverse("admin:messaging_notice_publish", args=[draft_notice.pk]))
    published = only(object_type="messaging.notice", object_id=str(draft_notice.pk))
    assert published.actor == bok
    assert published.old == {"status": "draft"}
    assert published.new["status"] == "scheduled"
    assert published.new["publish_at"]
    run_action(client, Notice, "publish", later)
    run_action(client, Notice, "withdraw", later)
    withdrawn = latest(object_type="messaging.notice", object_id=str(later.pk))
    assert (withdrawn.old, withdrawn.new) == ({"status": "scheduled"}, {"status": "draft"})


# -- resolutions and accessibility ------------------------------------------------------------


def test_a_vote_from_opening_to_the_letters(client, boss, owner, settings):
    community, premises = community_with([(1, 4)] * 4)
    own(premises[0], owner)
    for p in premises[1:]:
        own(p)
    resolution = draft(community)
    client = as_user(client, boss)
    run_action(client, Resolution, "open_votes", resolution)
    opened = latest(object_type="resolutions.resolution", object_id=str(resolution.pk))
    assert opened.old == {"status": "draft"}
    assert opened.new == {"status": "open", "ballots": 4}

    url = reverse("admin:resolutions_resolution_paper", args=[resolution.pk])
    assert client.get(url).status_code == 200
    assert only(action="view", new__view="Paper ballot form").object_id == str(resolution.pk)
    ballot = resolution.ballots.get(holders__user=owner)
    assert client.post(url, {"ballot": ballot.pk, "choice": "for"}).status_code == 302
    paper = only(action="add", object_type="resolutions.vote")
    assert (paper.actor, paper.resident) == (boss, owner)
    assert paper.new == {"ballot": ballot.premises_label, "choice": "for"}
    url = reverse("admin:resolutions_resolution_tally", args=[resolution.pk])
    assert client.get(url).status_code == 200
    assert only(action="view", new__view="Tally").new == {"view": "Tally", "ballots": 4}

    past = timezone.now() - datetime.timedelta(minutes=1)
    Resolution.objects.filter(pk=resolution.pk).update(
        ends_at=past, starts_at=past - datetime.timedelta(days=15)
    )
    run_action(client, Resolution, "close_votes", resolution)
    closed = latest(object_type="resolutions.resolution", object_id=str(resolution.pk))
    assert closed.old == {"status": "open"}
    assert closed.new["status"] == "closed"
    for name, what in (("protocol", "Voting protocol"), ("letters", "Result letters")):
        url = reverse(f"admin:resolutions_resolution_{name}", args=[resolution.pk])
        assert client.get(url).status_code == 200
        assert only(action="export", new__view=what).object_id == str(resolution.pk)

    letters = list(ResultNotice.objects.filter(channel="letter", notified_at__isnull=True))
    assert letters
    run_action(client, ResultNotice, "delivered_today", *letters)
    delivered = changes(object_type="resolutions.resultnotice").exclude(object_id="")
    assert delivered.count() == len(letters)
    today = timezone.localdate().isoformat()
    assert all(e.new == {"notified_at": today} and e.actor == boss for e in delivered)


def test_a_vote_closed_by_the_schedule_is_not_a_staff_action(owner):
    from resolutions.services import resolutions_close_ended

    resolution = community_in_vote(owner, past=True)
    resolutions_close_ended()
    resolution.refresh_from_db()
    assert resolution.status == "closed"
    assert not changes(object_type="resolutions.resolution", action="change").filter(
        new__status="closed"
    )


def test_accessibility_steps_are_recorded(client, boss):
    from accessibility import services

    request = services.request_submit(name="Maria", email="maria@example.pl", element="x", need="y")
    client = as_user(client, boss)
    url = reverse("admin:accessibility_request_extend", args=[request.pk])
    assert client.get(url).status_code == 200
    read = only(action="view", object_type="accessibility.accessibilityrequest")
    assert read.new == {"view": "Extend the deadline"}
    to = request.deadline + datetime.timedelta(days=14)
    assert client.post(url, {"to": to.isoformat(), "reason": "Audyt PDF"}).status_code == 302
    extended = only(action="change")
    assert extended.old == {"status": "new", "extended_to": None}
    assert extended.new == {
        "status": "extended",
        "extended_to": to.isoformat(),
        "reason": "Audyt PDF",
    }
    url = reverse("admin:accessibility_request_answer", args=[request.pk])
    assert client.post(url, {"answer": "Opis wykresu."}).status_code == 302
    answered = latest()
    assert answered.new == {"status": "answered", "answer": "Opis wykresu."}


# -- list pages and searches --------------------------------------------------------------------


def test_a_list_page_is_one_read_with_its_search_and_filters(client, bok, owner, account):
    AccountFactory(holder_name="Anna Nowak")
    client = as_user(client, bok)
    url = reverse("admin:accounts_account_changelist")
    page = client.get(url, {"q": "Kowalski", "kind__exact": "municipal_tenancy"})
    assert page.status_code == 200
    assert page.context["cl"].result_count == 1
    listed = only(action="view", object_type="accounts.account")
    assert listed.actor == bok
    assert listed.object_id == ""
    assert listed.resident is None
    assert "q=Kowalski" in listed.object_repr  # what a superuser searches the log for
    assert listed.new == {
        "view": "changelist",
        "search": "Kowalski",
        "filters": {"kind__exact": "municipal_tenancy"},
        "results": 1,
    }
    # Premises, payments, fault reports: one event per page shown, not per row.
    ReportFactory(reporter=owner)
    for name in ("accounts_premises", "billing_payment", "faults_faultreport"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    assert AuditEvent.objects.filter(action="view", object_id="").count() == 4
    # Reference data and a refused page are not reads of residents' data.
    client.get(reverse("admin:billing_component_changelist"))
    client.get(reverse("admin:accounts_community_changelist"))
    client.get(reverse("admin:audit_auditevent_changelist"))  # 403 for a clerk
    assert AuditEvent.objects.filter(action="view").count() == 4


def test_an_autocomplete_search_is_recorded(client, bok, owner):
    response = as_user(client, bok).get(
        reverse("admin:autocomplete"),
        {
            "app_label": "accounts",
            "model_name": "accountaccess",
            "field_name": "user",
            "term": owner.last_name,
        },
    )
    assert response.status_code == 200
    event = only(action="view", object_type="accounts.user")
    assert event.new == {"view": "changelist", "search": owner.last_name, "results": 1}


# -- the superuser's browser --------------------------------------------------------------------


def test_the_log_shows_custom_view_events_readably_in_polish(
    client, bok, accountant, owner, account
):
    as_user(client, bok).get(reverse("admin:accounts_account_changelist"), {"q": "Kowalski"})
    charge = ChargeFactory(account=account, amount=D("100.00"))
    url = reverse("admin:billing_charge_correct", args=[charge.pk])
    as_user(client, accountant).post(url, {"new_amount": "80,00", "reason": "Zła stawka"})
    ReportFactory(reporter=owner)
    run_action(as_user(client, bok), FaultReport, "accept", FaultReport.objects.get())

    boss = StaffFactory(is_superuser=True)
    client = as_user(client, boss)
    with translation.override("pl"):
        page = client.get(reverse("admin:audit_auditevent_changelist"), HTTP_ACCEPT_LANGUAGE="pl")
        html = page.content.decode()
        assert "lista: konta klientów; wyszukiwanie „Kowalski”; 1 wynik" in html
        assert "akcja „Przyjmij wybrane nowe zgłoszenia”; zgłoszenia awarii: 1" in html
        correction = only(action="change", object_type="billing.charge")
        detail = client.get(reverse("admin:audit_auditevent_change", args=[correction.pk]))
        html = detail.content.decode()
    assert not AuditEvent.objects.filter(actor=boss, action="view")  # browsing the log is not
    assert "<th>Pole</th><th>Przed</th><th>Po</th>" in html
    assert "<td>Kwota (zł)</td><td>100.00</td><td>80.00</td>" in html
    assert "<td>Powód</td><td></td><td>Zła stawka</td>" in html
    # The type filter names models, not labels.
    lookups = dict(client.get(reverse("admin:audit_auditevent_changelist")).context["cl"]
                   .filter_specs[1].lookup_choices)
    assert lookups["billing.charge"] == "Naliczenia"


# -- the declaration ------------------------------------------------------------------------------


def _admin_urls():
    """The name of every named admin URL: the site's own and each ModelAdmin's."""
    found = set()
    for pattern in admin.site.get_urls():
        if isinstance(pattern, URLResolver):
            found |= {p.name for p in pattern.url_patterns if isinstance(p, URLPattern) and p.name}
        elif pattern.name:
            found.add(pattern.name)
    return found


def _overridden_by_us(model_admin, view):
    """Whether a ModelAdmin of ours (not Django's, allauth's or the audit mixin) defines `view`."""
    for klass in type(model_admin).__mro__:
        if klass.__module__.startswith("audit."):
            continue  # the mixin comes first and wraps every admin's views
        if klass.__module__ == "core.admin_grammar":
            continue  # only the titles' wording, then Django's own view
        if view in vars(klass):
            return not klass.__module__.startswith(("django.", "allauth."))
    return False


def test_every_custom_admin_view_and_action_is_declared():
    undeclared = []
    names = _admin_urls()
    for model_admin in admin.site._registry.values():
        info = (model_admin.opts.app_label, model_admin.opts.model_name)
        names -= {f"{info[0]}_{info[1]}_{view}" for view in STANDARD_URLS}
        label = model_admin.opts.label
        for view in STANDARD_VIEWS:
            if _overridden_by_us(model_admin, view) and f"{label}.{view}" not in OVERRIDDEN_VIEWS:
                undeclared.append(f"{label}.{view}")
        for _func, name, _desc in model_admin._get_base_actions():
            key = "*.delete_selected" if name == "delete_selected" else f"{label}.{name}"
            if key not in ACTIONS:
                undeclared.append(f"action {key}")
    undeclared += [f"URL {name}" for name in names if name not in CUSTOM_URLS]
    stale = [name for name in CUSTOM_URLS if name not in _admin_urls()]
    assert not undeclared, f"declare these in {__name__} (audited, or why not): {undeclared}"
    assert not stale, f"declared but gone: {stale}"
    for table in (CUSTOM_URLS, OVERRIDDEN_VIEWS, ACTIONS):
        for key, (kind, proof) in table.items():
            assert kind in (AUDITED, NO_RESIDENT_DATA), key
            if proof.startswith("test_"):
                assert callable(globals().get(proof)), f"{key}: no test {proof}"


def test_a_read_without_a_person_finds_the_resident_through_the_premises(client, bok, owner):
    meter = meter_of(owner)
    client = as_user(client, bok)
    for obj in (meter, meter.premises, meter.premises.building):
        opts = obj._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert client.get(url).status_code == 200, url
    reads = {e.object_type: e.resident for e in AuditEvent.objects.filter(action="view")}
    assert reads == {"meters.meter": owner, "accounts.premises": owner, "accounts.building": None}
