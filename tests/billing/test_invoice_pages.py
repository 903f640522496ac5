"""The tenant's invoice pages: the list with paid / unpaid / overdue from the ledger, the PDF
download through a scoped view, and 404s for other kinds of account and for strangers."""

import datetime
import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from billing.invoices.pdf_jobs import invoice_pdf_make
from billing.invoices.services import invoice_issue_for_month
from billing.models import Invoice
from tests.billing.factories import PaymentFactory
from tests.billing.invoice_factories import PERIOD, commercial_access, month_charges

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def tenant():
    return commercial_access()


@pytest.fixture
def invoice(tenant):
    month_charges(tenant.account)
    return invoice_issue_for_month(
        account=tenant.account, period=PERIOD, issue_date=datetime.date(2026, 11, 2)
    )


def page(client, user):
    client.force_login(user)
    response = client.get(reverse("billing:invoices"))
    assert response.status_code == 200
    return response


def row_status(response):
    return [row.status for row in response.context["rows"]]


def test_list_shows_number_dates_amounts_and_overdue(client, tenant, invoice):
    response = page(client, tenant.user)
    html = response.content.decode()
    assert invoice.number in html
    assert "3\xa0496,40" in html
    assert "630,90" in html
    assert "2\xa0865,50" in html
    assert "10.11.2026" in html
    assert "30.11.2026" in html
    # Due 10.11.2026, today is later in these tests' world only if the clock says so:
    expected = "overdue" if invoice.due_date < timezone.localdate() else "unpaid"
    assert row_status(response) == [expected]


def test_status_follows_the_ledger(client, tenant, invoice):
    account = tenant.account
    PaymentFactory(account=account, amount=D("3000.00"), paid_on=datetime.date(2026, 11, 5))
    response = page(client, tenant.user)
    (row,) = response.context["rows"]
    # 3 000,00 pays the oldest charge first, the rent: 326,40 of it is left, with water 120,00
    # and the fee 50,00: 496,40 of the invoice unpaid (the np penalty is not on it).
    assert row.unpaid == D("496.40")
    PaymentFactory(account=account, amount=D("506.40"), paid_on=datetime.date(2026, 11, 6))
    assert row_status(page(client, tenant.user)) == ["paid"]


def test_pdf_download_when_ready_and_a_message_before(client, tenant, invoice):
    client.force_login(tenant.user)
    url = reverse("billing:invoice_pdf", args=[invoice.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert invoice.number in response.content.decode()
    invoice_pdf_make(invoice_id=invoice.pk)
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="faktura-FV-' in response["Content-Disposition"]
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert invoice.number in text


def test_other_kinds_of_account_get_404(client, owner):
    client.force_login(owner)  # a municipal tenancy
    assert client.get(reverse("billing:invoices")).status_code == 404


def test_a_co_holder_sees_the_invoice_a_stranger_does_not(client, tenant, invoice, stranger):
    from tests.factories import AccessFactory

    co = AccessFactory(account=tenant.account, role="co_holder").user
    client.force_login(co)
    assert client.get(reverse("billing:invoice_pdf", args=[invoice.pk])).status_code == 200
    other = commercial_access("innafirma")
    client.force_login(other.user)
    assert client.get(reverse("billing:invoice_pdf", args=[invoice.pk])).status_code == 404
    assert invoice.number not in page(client, other.user).content.decode()


def test_revoked_access_hides_the_invoices(client, tenant, invoice):
    from accounts.services import account_access_end

    account_access_end(account=tenant.account)
    client.force_login(tenant.user)
    assert client.get(reverse("billing:invoice_pdf", args=[invoice.pk])).status_code == 404
    assert client.get(reverse("billing:invoices")).status_code == 404


def test_the_tenant_downloads_the_fa3_xml_and_a_stranger_gets_404(client, tenant, invoice):
    client.force_login(tenant.user)
    response = client.get(reverse("billing:invoice_xml", args=[invoice.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert 'filename="faktura-FV-2026-11-0001.xml"' in response["Content-Disposition"]
    assert response.content == bytes(invoice.fa3.xml)  # byte for byte what goes to KSeF
    stranger = commercial_access("obcy").user
    client.force_login(stranger)
    assert client.get(reverse("billing:invoice_xml", args=[invoice.pk])).status_code == 404


def test_the_list_says_where_each_invoice_stands_in_ksef(client, tenant, invoice):
    number = "5482000017-20261102-0123456789AB-7C"
    cases = [
        ({"ksef_status": "off"}, "nie wysłano do KSeF (wysyłka wyłączona)"),
        ({"ksef_status": "queued"}, "przesyłamy ją do KSeF"),
        ({"ksef_status": "accepted", "ksef_number": number}, f"w KSeF pod numerem {number}"),
        (
            {"ksef_status": "offline", "offline_until": datetime.date(2026, 11, 3)},
            "wystawiona offline; trafi do KSeF najpóźniej 03.11.2026",
        ),
        ({"ksef_status": "rejected"}, "poprawiamy ją w biurze, zanim trafi do KSeF"),
    ]
    for fields, words in cases:
        Invoice.objects.filter(pk=invoice.pk).update(**fields)
        html = page(client, tenant.user).content.decode()
        assert words in html, words


@pytest.mark.parametrize(
    ("status", "link", "prepared"),
    [("pending", "PDF", False), ("failed", "PDF", False), ("done", "PDF", False),
     ("rendering", "spróbuj teraz", True)],
)
def test_the_list_says_being_prepared_only_while_a_worker_draws_it(
    client, tenant, invoice, status, link, prepared
):
    # A PDF not drawn yet (or whose drawing failed) is drawn when it is opened: the list
    # offers it as any other; only one being drawn right now is "w przygotowaniu".
    Invoice.objects.filter(pk=invoice.pk).update(pdf_status=status)
    html = page(client, tenant.user).content.decode()
    url = reverse("billing:invoice_pdf", args=[invoice.pk])
    assert f'<a href="{url}">{link}<span class="visually-hidden">' in html
    assert ("w przygotowaniu" in html) is prepared
