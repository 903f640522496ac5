"""Certificate of no arrears: refused with an overdue amount (the page lists it), issued at
once without (gap-free number, PDF by the worker's function); the public check shows only
validity, issue date and account number, and rejects forged codes; staff revoke."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from billing.certificates import services as certificates
from billing.models import Certificate, StatementImport, StatementLine
from tests.billing.factories import ChargeFactory, PaymentFactory
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def overdue_charge(account, amount="250.00"):
    return ChargeFactory(
        account=account,
        title="Czynsz 01/2026",
        amount=Decimal(amount),
        due_date=timezone.localdate() - datetime.timedelta(days=20),
    )


def test_refused_with_an_overdue_amount(owner_client, account):
    overdue_charge(account)
    url = reverse("billing:certificate", args=[account.pk])
    page = owner_client.get(url).content.decode()
    assert "Czynsz 01/2026" in page
    assert "250,00" in page
    response = owner_client.post(url)
    assert response.status_code == 200
    assert "250,00" in response.content.decode()
    assert not Certificate.objects.exists()


def test_issued_at_once_without_arrears_and_rendered(owner_client, owner, account, settings):
    charge = overdue_charge(account)
    PaymentFactory(account=account, amount=charge.amount, paid_on=timezone.localdate())
    url = reverse("billing:certificate", args=[account.pk])
    assert owner_client.post(url).status_code == 302
    assert owner_client.post(url).status_code == 302  # a double submit: the same certificate
    certificate = Certificate.objects.get()
    year = timezone.localdate().year
    assert certificate.number == f"ZN/{year}/0001"
    assert certificate.account_number == account.number
    assert certificates.certificate_pdf_make(certificate_id=certificate.pk) == "done"
    assert certificates.certificate_pdf_make(certificate_id=certificate.pk) == "skipped"
    response = owner_client.get(reverse("billing:certificate_pdf", args=[certificate.pk]))
    assert response["Content-Type"] == "application/pdf"
    import io

    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert certificate.number in text
    assert certificate.code_display in text
    assert account.number in text


def test_numbers_are_consecutive_per_year(owner, account, stranger, other_account):
    first = certificates.certificate_request(user=owner, account=account)
    second = certificates.certificate_request(user=stranger, account=other_account)
    assert (first.sequence, second.sequence) == (1, 2)


def test_public_check_shows_no_personal_data(client, owner, account):
    certificate = certificates.certificate_request(user=owner, account=account)
    page = client.get(reverse("billing:verify_code", args=[certificate.verification_code]))
    text = page.content.decode()
    assert page.status_code == 200
    assert account.number in text
    assert certificate.number in text
    for personal in [
        account.holder_name,
        owner.last_name,
        owner.email,
        account.premises.building.street,
    ]:
        assert personal not in text
    # typed with dashes and lower case through the form
    typed = certificate.code_display.lower()
    response = client.get(reverse("billing:verify"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "billing:verify_code", args=[certificate.verification_code]
    )


@pytest.mark.parametrize("code", ["AAAAAAAAAAAAAAAA", "x", "' OR 1=1 --", "٣" * 16])
def test_forged_codes_are_not_found(client, owner, account, code):
    certificates.certificate_request(user=owner, account=account)
    response = client.get(reverse("billing:verify"), {"code": code})
    assert response.status_code == 404
    assert "id_code" in response.content.decode()
    assert client.get(f"/weryfikacja/{code.replace('/', '')}/").status_code in (404,)


def test_staff_revoke_with_a_reason(client, owner, account):
    certificate = certificates.certificate_request(user=owner, account=account)
    clerk = StaffFactory(is_superuser=True)
    client.force_login(clerk)
    url = reverse("admin:billing_certificate_revoke", args=[certificate.pk])
    assert client.post(url, {"reason": ""}).status_code == 200
    assert client.post(url, {"reason": "Błąd w saldzie"}).status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_at
    assert certificate.revoked_by == clerk
    client.logout()
    page = client.get(reverse("billing:verify_code", args=[certificate.verification_code]))
    assert 'id="verdict"' in page.content.decode()
    assert not page.context["certificate"].is_valid


def test_balance_pages_show_data_as_of(owner_client, account, staff):
    PaymentFactory(account=account, paid_on=datetime.date(2026, 1, 8))
    page = owner_client.get(reverse("billing:balance", args=[account.pk])).content.decode()
    assert "8 stycznia 2026" in page or "8 January 2026" in page
    statement = StatementImport.objects.create(
        original_name="x.sta", uploaded_by=staff, status=StatementImport.Status.DONE
    )
    StatementLine.objects.create(
        statement=statement,
        checksum="a" * 64,
        booked_on=datetime.date(2026, 2, 3),
        amount=Decimal("10.00"),
        status="unmatched",
    )
    for name in ["billing:balance", "billing:history", "billing:current"]:
        page = owner_client.get(reverse(name, args=[account.pk])).content.decode()
        assert "3 lutego 2026" in page or "3 February 2026" in page
    assert "3 lutego 2026" in owner_client.get(reverse("billing:index")).content.decode()
