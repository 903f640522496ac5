"""The money pages' cached content: a second look reads no billing rows, and every change the
page shows (a posting, a rate, the register, the language) shows at once."""

import datetime
import re
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import pytest
from django.db.models.signals import post_init
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountAccess
from billing.ledger import services
from billing.models import InterestRate
from tests.billing.factories import ChargeFactory

pytestmark = pytest.mark.django_db
PAGES = ["billing:balance", "billing:current", "billing:history", "billing:pay"]


def unmasked(page):
    """The page without its CSRF tokens, which are masked anew for every response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def billing_rows(client, path):
    """(page text, billing rows read while serving it)."""
    seen = []

    def counter(sender, instance, **kwargs):
        if instance.pk is not None and sender._meta.app_label == "billing":
            seen.append(sender.__name__)

    post_init.connect(counter, weak=False)
    try:
        response = client.get(path)
    finally:
        post_init.disconnect(counter)
    assert response.status_code == 200
    return response.content.decode(), len(seen)


@pytest.fixture
def debt(account):
    # 1 000,00 zł due Tuesday 10 Nov 2026: overdue on every day these tests may run.
    return ChargeFactory(account=account, amount=D("1000.00"), due_date=datetime.date(2026, 11, 10))


@pytest.mark.parametrize("name", PAGES)
def test_a_second_look_reads_no_billing_rows(owner_client, account, debt, name):
    path = reverse(name, args=[account.pk])
    first, rows = billing_rows(owner_client, path)
    assert rows > 0
    assert "1\xa0000,00" in first
    again, rows = billing_rows(owner_client, path)
    assert rows == 0
    assert unmasked(again) == unmasked(first)


@pytest.mark.parametrize("name", PAGES)
def test_a_payment_shows_at_once(owner_client, account, debt, name):
    path = reverse(name, args=[account.pk])
    assert "1\xa0000,00" in billing_rows(owner_client, path)[0]
    services.payment_post(
        account=account, amount=D("400.00"), paid_on=datetime.date(2026, 11, 20), method="bank"
    )
    page, rows = billing_rows(owner_client, path)
    assert rows > 0  # the ledger's version moved: computed again
    # 1 000,00 − 400,00 = 600,00 left to pay
    assert "600,00" in page


def test_a_new_interest_rate_shows_at_once(owner_client, account, debt):
    path = reverse("billing:balance", args=[account.pk])
    InterestRate.objects.all().delete()
    InterestRate.objects.create(valid_from=datetime.date(2020, 1, 1), rate=D("10.00"))
    before = owner_client.get(path).context["summary"].interest
    InterestRate.objects.create(valid_from=datetime.date(2026, 11, 1), rate=D("20.00"))
    after = owner_client.get(path).context["summary"].interest
    # Every day of the delay (from 11 Nov to today) is at the doubled rate:
    # 1 000,00 × rate × days / 365, rounded to the grosz (27 days on 7 Dec: 7,40 and 14,79).
    days = (timezone.localdate() - datetime.date(2026, 11, 10)).days
    assert before == (D("100.00") * days / 365).quantize(D("0.01"), ROUND_HALF_UP) > 0
    assert after == (D("200.00") * days / 365).quantize(D("0.01"), ROUND_HALF_UP)


def test_an_address_change_shows_at_once(owner_client, account, debt):
    path = reverse("billing:balance", args=[account.pk])
    owner_client.get(path)
    building = account.premises.building
    building.street = "ul. Zmieniona"
    building.save()
    assert "ul. Zmieniona" in owner_client.get(path).content.decode()


def test_each_language_has_its_own_page(owner_client, account, debt, settings):
    path = reverse("billing:balance", args=[account.pk])
    assert "Saldo" in owner_client.get(path).content.decode()
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Balance" in owner_client.get(path).content.decode()


ALL_PAGES = [*PAGES, "billing:pay_qr"]


@pytest.mark.parametrize("name", ALL_PAGES)
def test_a_revoked_access_is_refused_while_the_account_list_is_cached(
    owner_client, owner, account, debt, name
):
    """The pages take the account's address from the cached list of accounts, but ask the
    register who may see it: an access revoked by a bulk update, which sends no signal and so
    leaves the cached list as it was, is refused at once."""
    path = reverse(name, args=[account.pk])
    assert owner_client.get(reverse("dashboard")).status_code == 200  # the list is cached
    assert owner_client.get(path).status_code == 200
    AccountAccess.objects.filter(user=owner, account=account).update(revoked_at=timezone.now())
    assert owner_client.get(path).status_code == 404


@pytest.mark.parametrize("name", ALL_PAGES)
def test_an_access_granted_after_the_list_was_cached_opens_the_page(
    owner_client, owner, make_account, name
):
    """An access the cached list does not hold yet (written without a signal) still opens the
    page, with the account's own address."""
    assert owner_client.get(reverse("dashboard")).status_code == 200  # the list is cached
    other = make_account()
    AccountAccess.objects.bulk_create([AccountAccess(user=owner, account=other)])
    response = owner_client.get(reverse(name, args=[other.pk]))
    assert response.status_code == 200
    if name != "billing:pay_qr":
        assert other.number in response.content.decode()
