"""A newcomer with a letter from BOK: logs in with the one-time password, must set their own,
lands on the dashboard and sees their accounts; the pages pass axe-core."""

import re

from playwright.sync_api import expect

from accounts.services import credentials_issue
from tests.e2e.conftest import assert_no_axe_violations, login
from tests.factories import AccessFactory, StaffFactory

NEW_PASSWORD = "Moje-Nowe-Haslo-2026"


def test_newcomer_sets_a_password_and_sees_their_accounts(page):
    clerk = StaffFactory(groups=["BOK"])
    access = AccessFactory(
        user__username="nowak", user__first_name="Anna", user__last_name="Nowak",
        account__number="4711", account__premises__building__street="ul. Głęboka 15",
        account__premises__number="3",
    )
    AccessFactory(account__number="9999", account__premises__building__street="ul. Obca 1")
    _issue, one_time = credentials_issue(
        user=access.user, method="letter", document_type="id_card", clerk=clerk
    )

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/auth/login/"))
    assert_no_axe_violations(page)

    login(page, "nowak", one_time)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ustaw własne hasło")
    # Nothing else opens before the password is changed.
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ustaw własne hasło")
    assert_no_axe_violations(page)

    # A too short password: a message next to the field, and still on the same page.
    page.get_by_label(re.compile(r"^Nowe hasło")).fill("krotkie")
    page.get_by_label("Powtórz nowe hasło").fill("krotkie")
    page.get_by_role("button", name="Zapisz hasło").click()
    expect(page.locator(".field-error").first).to_contain_text("10")
    assert_no_axe_violations(page)

    page.get_by_label(re.compile(r"^Nowe hasło")).fill(NEW_PASSWORD)
    page.get_by_label("Powtórz nowe hasło").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Zapisz hasło").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Anna Nowak")
    accounts = page.locator("#accounts-title + ul")
    expect(accounts).to_contain_text("ul. Głęboka 15")
    expect(accounts).to_contain_text("4711")
    expect(accounts).not_to_contain_text("9999")
    assert_no_axe_violations(page)

    # The one-time password no longer works; the new one does.
    page.get_by_text("Twoje konto", exact=True).click()  # the account menu opens
    page.get_by_role("button", name="Wyloguj").click()
    login(page, "nowak", one_time)
    expect(page.locator(".error-summary")).to_be_visible()
    login(page, "nowak", NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Anna Nowak")


def test_login_error_is_announced_and_accessible(page):
    AccessFactory(user__username="kowal")
    login(page, "kowal", "zle-haslo-123")
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/auth/login/"))
    assert_no_axe_violations(page)
