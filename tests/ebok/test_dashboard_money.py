"""The dashboard says what to pay: per account the amount owed, what is overdue, the next due
date with its amount and a "Zapłać" button; the unread messages and the faults being handled;
and a main menu of tasks with an account menu apart."""

import datetime
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from accounts.models import Account
from faults.models import Status
from messaging import notify
from tests.billing.factories import ChargeFactory, PaymentFactory
from tests.factories import AccessFactory
from tests.faults.factories import ReportFactory

pytestmark = pytest.mark.django_db
NBSP = "\xa0"


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(NBSP, " ")


def card_of(page, number):
    """The dashboard card of one account, as text."""
    cards = re.findall(r'<li class="card">(.*?)</li>\s*(?=<li class="card">|</ul>)', page, re.S)
    return next(
        text(c) for c in cards if f"konto {number}" in text(c) or f"account {number}" in text(c)
    )


def test_each_account_says_what_to_pay_and_by_when(owner_client, owner, account):
    # Tuesday 10 Nov 2026 is past on any day this test runs; Tuesday 15 Jan 2030 is ahead and
    # no holiday, so art. 115 k.c. moves neither deadline.
    ChargeFactory(account=account, amount=D("600.45"), due_date=datetime.date(2026, 11, 10))
    ChargeFactory(account=account, amount=D("600.45"), due_date=datetime.date(2030, 1, 15))
    overpaid = AccessFactory(user=owner).account
    PaymentFactory(account=overpaid, amount=D("50.00"))
    page = owner_client.get(reverse("dashboard")).content.decode()

    owing = card_of(page, account.number)
    # owed 600,45 + 600,45 = 1 200,90; overdue the first 600,45; next the second.
    assert "Do zapłaty: 1 200,90 zł" in owing
    assert "w tym po terminie 600,45 zł" in owing  # one sentence, no "⚠ PO TERMINIE"
    assert "⚠" not in owing
    assert "Najbliższy termin: 15 stycznia 2030 (600,45 zł)" in owing
    assert f'href="{reverse("billing:pay", args=[account.pk])}"' in page

    settled = card_of(page, overpaid.number)
    assert "Nic do zapłaty: nadpłata 50,00 zł" in settled
    assert reverse("billing:pay", args=[overpaid.pk]) not in page


def test_unread_messages_and_faults_being_handled_are_counted(owner_client, owner):
    for i in range(5):
        notify(owner, f"Powiadomienie {i}", "Treść")
    ReportFactory(reporter=owner)
    ReportFactory(reporter=owner, status=Status.IN_PROGRESS)
    ReportFactory(reporter=owner, status=Status.RESOLVED)
    page = text(owner_client.get(reverse("dashboard")).content.decode())
    assert "5 nieprzeczytanych powiadomień" in page  # 5: the third Polish form
    assert "2 awarie w toku" in page  # new + in progress; the resolved one is not counted


def test_a_stranger_s_debt_is_not_shown(owner_client, account, other_account):
    ChargeFactory(account=other_account, amount=D("777.77"), due_date=datetime.date(2026, 11, 10))
    page = text(owner_client.get(reverse("dashboard")).content.decode())
    assert "777,77" not in page
    assert other_account.number not in page
    assert "Nic do zapłaty" in page


def menu_links(client):
    page = client.get(reverse("dashboard")).content.decode()
    main = re.search(r'<nav class="main-nav".*?</nav>', page, re.S).group(0)
    account_menu = re.search(r'<details class="account-menu".*?</details>', page, re.S).group(0)
    return text(main).split(), text(account_menu)


@pytest.mark.parametrize(
    ("kind", "invoices", "resolutions"),
    [
        (Account.Kind.MUNICIPAL_TENANCY, False, False),
        (Account.Kind.COMMUNITY_OWNERSHIP, False, True),
        (Account.Kind.COMMERCIAL_LEASE, True, False),
    ],
)
def test_the_main_menu_lists_tasks_by_the_kind_of_account(client, kind, invoices, resolutions):
    user = AccessFactory(account__kind=kind).user
    client.force_login(user)
    main, account_menu = menu_links(client)
    assert main[:1] == ["Opłaty"]
    assert {"Wodomierze", "Awarie", "Powiadomienia"} <= set(main)
    assert "Wiadomości do BOK" in " ".join(main)
    assert ("Faktury" in main) is invoices
    assert ("Uchwały" in main) is resolutions
    # settings live in the account menu, not among the tasks
    for setting in ("Profil", "Hasło", "Sesje", "Wyloguj"):
        assert setting not in main
        assert setting in account_menu
    assert "Logowanie dwuetapowe" in account_menu
    assert "Bezpieczeństwo" in account_menu


def test_an_english_reader_reads_english_amounts(owner_client, account):
    from django.conf import settings

    ChargeFactory(account=account, amount=D("600.45"), due_date=datetime.date(2026, 11, 10))
    ChargeFactory(account=account, amount=D("600.45"), due_date=datetime.date(2030, 1, 15))
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    owing = card_of(owner_client.get(reverse("dashboard")).content.decode(), account.number)
    # 600,45 + 600,45 = 1 200,90 in Polish; in English a comma groups and a point decimals
    assert "To pay: 1,200.90 zł" in owing
    assert "including 600.45 zł overdue" in owing
    assert "1 200,90" not in owing
