"""Invoices in admin: Księgowość issues a month and corrects an invoice; nobody edits or
deletes an issued one; BOK only looks and sends again; missing PDFs are queued."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from billing.invoices.services import invoice_issue_for_month
from billing.models import Invoice
from messaging.models import Notification
from tests.billing.factories import ChargeFactory
from tests.billing.invoice_factories import PERIOD, commercial_access, month_charges
from tests.clients import Client
from tests.factories import AccessFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def accountant_client(settings):
    client = Client()
    client.force_login(StaffFactory(username="ksiegowa", groups=["Księgowość"]))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def bok_client(staff):
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def tenant():
    access = commercial_access()
    month_charges(access.account)
    return access


def test_accountant_issues_a_month_from_the_form(accountant_client, tenant):
    url = reverse("admin:billing_invoice_issue")
    response = accountant_client.post(url, {"period": "11/2026", "account": ""})
    assert response.status_code == 302
    invoice = Invoice.objects.get()
    assert invoice.account == tenant.account
    assert invoice.gross_total == D("3496.40")
    assert invoice.issued_by.username == "ksiegowa"
    # Again: nothing new.
    accountant_client.post(url, {"period": "11/2026", "account": ""})
    assert Invoice.objects.count() == 1


def test_a_flat_is_invoiced_only_when_the_clerk_picks_it(accountant_client):
    flat = AccessFactory(account__kind="municipal_tenancy").account
    ChargeFactory(account=flat, period=PERIOD, amount=D("506.83"), title="Czynsz 11/2026")
    url = reverse("admin:billing_invoice_issue")
    accountant_client.post(url, {"period": "11/2026", "account": ""})
    assert not Invoice.objects.filter(account=flat).exists()  # the month's run skips a flat
    response = accountant_client.post(url, {"period": "11/2026", "account": flat.pk})
    assert response.status_code == 302
    invoice = Invoice.objects.get(account=flat)
    assert (invoice.gross_total, invoice.vat_total) == (D("506.83"), D("0.00"))  # exempt


def test_issue_form_rejects_a_bad_month_without_a_500(accountant_client, tenant):
    url = reverse("admin:billing_invoice_issue")
    response = accountant_client.post(url, {"period": "2026e3", "account": ""})
    assert response.status_code == 200
    assert "MM/YYYY" in response.content.decode()
    assert not Invoice.objects.exists()


def test_accountant_corrects_with_typed_amounts(accountant_client, tenant):
    invoice = invoice_issue_for_month(account=tenant.account, period=PERIOD)
    url = reverse("admin:billing_invoice_correct", args=[invoice.pk])
    assert accountant_client.get(url).status_code == 200
    data = {
        "reason": "Błędna zaliczka",
        "line_0": "3 326,40",
        "line_1": "60,00",
        "line_2": "50.00",
    }
    response = accountant_client.post(url, data)
    assert response.status_code == 302
    correction = Invoice.objects.get(kind="correction")
    # water 120,00 → 60,00: 60,00 back
    assert correction.gross_total == D("-60.00")
    assert correction.corrects == invoice


def test_bad_amount_in_the_correction_is_a_message_not_a_500(accountant_client, tenant):
    invoice = invoice_issue_for_month(account=tenant.account, period=PERIOD)
    url = reverse("admin:billing_invoice_correct", args=[invoice.pk])
    data = {"reason": "x", "line_0": "1e3", "line_1": "60,001", "line_2": "٥٠"}
    response = accountant_client.post(url, data)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert Invoice.objects.count() == 1


def test_issued_invoice_cannot_be_changed_or_deleted(accountant_client, tenant):
    invoice = invoice_issue_for_month(account=tenant.account, period=PERIOD)
    change = reverse("admin:billing_invoice_change", args=[invoice.pk])
    response = accountant_client.get(change)
    assert response.status_code == 200
    assert 'name="buyer_name"' not in response.content.decode()
    response = accountant_client.post(change, {"buyer_name": "Inna firma"})
    assert response.status_code == 403
    delete = reverse("admin:billing_invoice_delete", args=[invoice.pk])
    assert accountant_client.post(delete, {"post": "yes"}).status_code == 403
    assert accountant_client.get(reverse("admin:billing_invoice_add")).status_code == 403
    invoice.refresh_from_db()
    assert invoice.buyer_name == "Kawiarnia Pod Ratuszem sp. z o.o."


def test_bok_looks_and_sends_again_but_cannot_issue(bok_client, tenant):
    invoice = invoice_issue_for_month(account=tenant.account, period=PERIOD)
    assert bok_client.get(reverse("admin:billing_invoice_changelist")).status_code == 200
    assert bok_client.get(reverse("admin:billing_invoice_issue")).status_code == 403
    correct = reverse("admin:billing_invoice_correct", args=[invoice.pk])
    assert bok_client.get(correct).status_code == 403
    response = bok_client.post(
        reverse("admin:billing_invoice_changelist"),
        {"action": "send_again", "_selected_action": [invoice.pk]},
    )
    assert response.status_code == 302
    assert Notification.objects.filter(user=tenant.user).count() == 2


def test_render_missing_pdfs_action_queues_them(
    bok_client, tenant, django_capture_on_commit_callbacks
):
    invoice = invoice_issue_for_month(account=tenant.account, period=PERIOD)
    Invoice.objects.filter(pk=invoice.pk).update(pdf_status="failed", pdf_error="boom")
    with django_capture_on_commit_callbacks() as callbacks:
        bok_client.post(
            reverse("admin:billing_invoice_changelist"),
            {"action": "render_missing_pdfs", "_selected_action": [invoice.pk]},
        )
    invoice.refresh_from_db()
    assert invoice.pdf_status == "pending"
    assert len(callbacks) == 1
