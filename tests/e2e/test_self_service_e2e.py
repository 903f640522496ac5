"""A resident turns off billing e-mails in the profile and downloads a certificate of no
arrears; the statement, the request form, the profile, the certificate and verification pages
pass axe-core. Found by address and role, so it holds before and after translation."""

import datetime

from playwright.sync_api import expect

from accessibility.models import AccessibilityStatement
from billing.certificates.services import certificate_pdf_make
from billing.models import Certificate
from messaging.models import MessagingPreference
from tests.e2e.conftest import assert_no_axe_violations, login
from tests.factories import PASSWORD, AccessFactory


def test_preference_certificate_and_public_pages(page):
    AccessibilityStatement.objects.create(
        entity_name="Zakład Budynków Miejskich w Cieszynie",
        prepared_on=datetime.date(2026, 2, 1),
        published_on=datetime.date(2025, 9, 1),
        reviewed_on=datetime.date(2026, 2, 1),
        status="partial",
        non_accessible="Skany uchwał sprzed 2020 r.",
        assessment_method="samoocena",
        contact_name="Anna Dostępna",
        contact_email="dostepnosc@zbm.example.pl",
        contact_phone="33 000 00 11",
        procedure="Każdy ma prawo wystąpić z żądaniem zapewnienia dostępności.",
    )
    # Logged out: the footer link, the statement and the request form.
    page.goto("/auth/login/")
    page.locator("footer a[href='/deklaracja-dostepnosci/']").click()
    expect(page.get_by_text("Anna Dostępna")).to_be_visible()
    assert_no_axe_violations(page)
    page.goto("/deklaracja-dostepnosci/wniosek/")
    assert_no_axe_violations(page)

    access = AccessFactory(user__username="najemca")
    login(page, "najemca", PASSWORD)
    page.goto("/profil/")
    assert_no_axe_violations(page)
    page.locator("#id_email_billing").uncheck()
    page.locator("form[action='/profil/powiadomienia/'] button[type=submit]").click()
    page.wait_for_url("**/profil/")
    assert MessagingPreference.objects.get(user=access.user).email_billing is False
    expect(page.locator("#id_email_billing")).not_to_be_checked()

    page.goto(f"/oplaty/{access.account.pk}/zaswiadczenie/")
    assert_no_axe_violations(page)
    page.locator("main form button[type=submit]").click()
    certificate = Certificate.objects.get(account=access.account)
    certificate_pdf_make(certificate_id=certificate.pk)  # the worker's job (or done eagerly)
    certificate.refresh_from_db()
    assert certificate.pdf_status == "done"
    page.reload()
    with page.expect_download() as info:
        page.locator(f"a[href='/oplaty/zaswiadczenia/{certificate.pk}/pdf/']").click()
    assert info.value.suggested_filename == "zaswiadczenie-" + certificate.number.replace(
        "/", "-"
    ) + ".pdf"
    assert_no_axe_violations(page)

    page.goto("/weryfikacja/")
    assert_no_axe_violations(page)
    page.locator("#id_code").fill(certificate.code_display.lower())
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#verdict")).to_be_visible()
    expect(page.get_by_text(access.account.number, exact=True)).to_be_visible()
    assert_no_axe_violations(page)
    page.goto("/weryfikacja/?code=AAAABBBBCCCCDDDD")
    assert_no_axe_violations(page)
