"""Texts the system writes into the ledger read in the reader's language: a charge run's title,
a correction's, a notification's; invoices stay Polish whatever the language of the page."""

import datetime
import io
from decimal import Decimal as D

import pytest
from django.conf import settings as conf
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from accounts.models import User
from billing.invoices.pdf_jobs import invoice_pdf_make
from billing.invoices.services import invoice_issue_for_month
from billing.ledger.charge_run import charge_run_execute, charge_run_start
from billing.ledger.services import charge_correct
from billing.models import Charge, Component, Invoice
from billing.reminders.services import charges_posted_notify
from demo.ledger import seed_billing_scale
from messaging.models import Notification
from tests.billing.factories import FeeFactory
from tests.billing.invoice_factories import commercial_access
from tests.factories import AccountFactory, StaffFactory

pytestmark = pytest.mark.django_db
NOVEMBER = datetime.date(2026, 11, 1)


def run_november():
    run = charge_run_start(period=NOVEMBER)
    return charge_run_execute(run_id=run.pk, notify=False)


@pytest.fixture
def rent(account):
    """38,00 m² × 10,00 zł = 380,00 zł of rent for November 2026."""
    Component.objects.filter(code="rent").update(name="Czynsz", name_en="Rent")
    account.premises.floor_area = D("38.00")
    account.premises.save()
    FeeFactory(account=account, component=Component.objects.get(code="rent"), unit_price=D("10"))
    run_november()
    return Charge.objects.get(account=account, period=NOVEMBER)


def page(client, path, language):
    client.cookies[conf.LANGUAGE_COOKIE_NAME] = language
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_the_charge_run_stores_the_polish_title_and_its_key(rent):
    assert (rent.title, rent.amount) == ("Czynsz 11/2026", D("380.00"))
    assert rent.text_key == "%(component)s %(month)s"
    assert rent.text_params == {
        "component": {"names": {"pl": "Czynsz", "en": "Rent"}},
        "month": {"month": "2026-11-01"},
    }


def test_the_same_charge_reads_in_polish_and_in_english(owner_client, account, rent):
    path = reverse("billing:history", args=[account.pk]) + "?rok=2026"
    polish = page(owner_client, path, "pl")
    assert "Czynsz 11/2026" in polish
    english = page(owner_client, path, "en")
    assert "Rent 11/2026" in english
    assert "Czynsz 11/2026" not in english


def test_unpaid_charges_read_in_english_too(owner_client, account, rent):
    english = page(owner_client, reverse("billing:current", args=[account.pk]), "en")
    assert "Rent 11/2026" in english


def test_a_component_without_an_english_name_reads_in_polish(owner_client, account):
    Component.objects.filter(code="rent").update(name="Czynsz", name_en="")
    FeeFactory(account=account, component=Component.objects.get(code="rent"), unit_price=D("10"))
    run_november()
    english = page(owner_client, reverse("billing:history", args=[account.pk]) + "?rok=2026", "en")
    assert "Czynsz 11/2026" in english


def test_a_correction_reads_in_the_readers_language(owner_client, account, rent):
    clerk = StaffFactory(username="ksiegowa", groups=["Księgowość"])
    correction = charge_correct(
        charge=rent, new_amount=D("300.00"), reason="Błędny metraż", clerk=clerk
    )
    assert (correction.title, correction.amount) == ("Korekta: Czynsz 11/2026", D("-80.00"))
    with translation.override("en"):
        assert correction.description == "Correction: Rent 11/2026"
    with translation.override("pl"):
        assert correction.description == "Korekta: Czynsz 11/2026"


def test_the_charges_notification_reads_in_each_language(owner_client, owner, account, rent):
    charges_posted_notify(period=NOVEMBER)
    notification = Notification.objects.get(user=owner)
    # What the e-mail and the staff panel read: Polish, the amount as Polish writes it.
    assert notification.subject.startswith("Nowe naliczenia za listopad 2026 — konto ")
    assert "łącznie 380,00 zł" in notification.body
    dashboard = page(owner_client, reverse("dashboard"), "en")  # unread: listed there
    assert "New charges for November 2026" in dashboard
    detail = reverse("messaging:notification_detail", args=[notification.pk])
    polish = page(owner_client, detail, "pl")
    assert "Nowe naliczenia za listopad 2026" in polish
    english = page(owner_client, detail, "en")
    assert f"New charges for November 2026 — account {account.number}" in english
    assert "380.00 zł in total" in english
    inbox = page(owner_client, reverse("messaging:notification_list"), "en")
    assert "New charges for November 2026" in inbox


@pytest.fixture
def invoice(settings, tmp_path):
    """A café's November rent, charged and invoiced while the language is English."""
    settings.MEDIA_ROOT = tmp_path
    tenant = commercial_access()
    Component.objects.filter(code="commercial_rent").update(
        name="Czynsz za lokal użytkowy", name_en="Rent for commercial premises"
    )
    FeeFactory(
        account=tenant.account,
        component=Component.objects.get(code="commercial_rent"),
        unit_price=D("38.50"),
    )
    with translation.override("en"):
        run_november()
        invoice = invoice_issue_for_month(
            account=tenant.account, period=NOVEMBER, issue_date=datetime.date(2026, 11, 2)
        )
        invoice_pdf_make(invoice_id=invoice.pk)
    return tenant, Invoice.objects.get(pk=invoice.pk)


def test_invoices_stay_polish_in_the_english_interface(client, invoice):
    tenant, invoice = invoice
    client.force_login(tenant.user)
    xml = page(client, reverse("billing:invoice_xml", args=[invoice.pk]), "en")
    assert "<P_7>Czynsz za lokal użytkowy 11/2026</P_7>" in xml
    assert "Rent" not in xml
    client.cookies[conf.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("billing:invoice_pdf", args=[invoice.pk]))
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Czynsz za lokal użytkowy 11/2026" in " ".join(text.split())
    assert "Rent for commercial premises" not in text


def test_the_scale_history_is_keyed_like_a_charge_run():
    account = AccountFactory(valid_from=datetime.date(2016, 1, 1))
    Component.objects.filter(code="rent").update(name="Czynsz", name_en="Rent")
    seed_billing_scale([account.pk], months=2, today=datetime.date(2026, 11, 25))
    charge = Charge.objects.get(account=account, period=NOVEMBER, component__code="rent")
    assert charge.title == "Czynsz 11/2026"
    with translation.override("en"):
        assert charge.description == "Rent 11/2026"


def test_the_demo_writes_keyed_texts(client):
    call_command("seed_demo", stdout=io.StringIO())
    charges = Charge.objects.filter(period__isnull=False, component__isnull=False)
    assert charges.exists()
    assert not charges.filter(text_key="").exists()
    najemca = User.objects.get(username="najemca")
    notifications = Notification.objects.filter(user=najemca)
    assert notifications.exists()
    assert not notifications.filter(subject_key="").exists()
    client.force_login(najemca)
    account = najemca.account_accesses.get().account
    english = page(client, reverse("billing:history", args=[account.pk]), "en")
    assert "Rent " in english
    assert "Czynsz " not in english
