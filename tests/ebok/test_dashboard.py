"""The resident's dashboard: every account the user may act for, and only existing features."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services
from accounts.models import Account, Premises
from messaging import notify
from tests.factories import AccessFactory, BuildingFactory, CommunityFactory, PremisesFactory

pytestmark = pytest.mark.django_db


def dashboard(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def test_shows_every_own_account_and_no_other(client, owner, account, stranger, other_account):
    community = CommunityFactory(name="Wspólnota Mieszkaniowa Zamkowa 3")
    shop = AccessFactory(
        user=owner,
        account__kind=Account.Kind.COMMUNITY_OWNERSHIP,
        account__premises=PremisesFactory(
            building=BuildingFactory(street="ul. Zamkowa 3", community=community), number="7"
        ),
    ).account
    client.force_login(owner)
    page = dashboard(client)
    for own in (account, shop):
        assert own.number in page
        assert own.premises.building.street in page
    assert "Wspólnota Mieszkaniowa Zamkowa 3" in page
    assert other_account.number not in page


def test_co_holder_sees_the_shared_account(client, account, co_holder):
    client.force_login(co_holder)
    assert account.number in dashboard(client)


def test_ended_and_revoked_accounts_are_not_shown(client, owner, account):
    Account.objects.filter(pk=account.pk).update(valid_to=datetime.date(2021, 1, 1))
    client.force_login(owner)
    page = dashboard(client)
    assert account.number not in page


def test_unread_notifications_are_shown_with_a_count(client, owner):
    for i in range(7):
        notify(owner, f"Powiadomienie {i}", "Treść")
    client.force_login(owner)
    response = client.get(reverse("dashboard"))
    assert response.context["unread_count"] == 7
    page = response.content.decode()
    assert "Powiadomienie 6" in page
    assert "Powiadomienie 0" not in page  # the five newest only


def test_only_existing_features_have_tiles(client, owner):
    client.force_login(owner)
    response = client.get(reverse("dashboard"))
    urls = {tile.url for tile, _badge in response.context["tiles"]}
    assert urls == {
        reverse("messaging:notification_list"),
        reverse("billing:index"),
        reverse("meters:index"),
        reverse("faults:index"),
        reverse("messaging:thread_list"),
        reverse("profile"),
    }


def test_invoices_tile_only_for_a_commercial_lease(client, owner):
    client.force_login(owner)
    urls = {tile.url for tile, _badge in client.get(reverse("dashboard")).context["tiles"]}
    assert reverse("billing:invoices") not in urls
    AccessFactory(user=owner, account__kind=Account.Kind.COMMERCIAL_LEASE)
    urls = {tile.url for tile, _badge in client.get(reverse("dashboard")).context["tiles"]}
    assert reverse("billing:invoices") in urls


def test_dashboard_query_count_does_not_grow_with_history(client, owner):
    client.force_login(owner)

    def count():
        with CaptureQueriesContext(connection) as queries:
            dashboard(client)
        return len(queries)

    count()  # the first request also records the session in allauth's list
    baseline = count()
    for n in range(6):
        AccessFactory(user=owner, account__premises__kind=Premises.Kind.RESIDENTIAL)
        notify(owner, f"N{n}", "x")
    assert count() == baseline + 1  # the register changed: the list of accounts is read again
    assert count() == baseline
    page = client.get(reverse("dashboard"))
    assert len(page.context["accounts"]) == 7
    assert page.context["unread_count"] == 6


def test_the_dashboard_lists_an_account_the_moment_it_is_granted_or_ended(client, owner, account):
    client.force_login(owner)
    assert [a.pk for a in client.get(reverse("dashboard")).context["accounts"]] == [account.pk]
    other = AccessFactory(user=owner).account
    shown = {a.pk for a in client.get(reverse("dashboard")).context["accounts"]}
    assert shown == {account.pk, other.pk}
    services.account_access_end(account=other)  # a bulk update, no save() signal
    assert [a.pk for a in client.get(reverse("dashboard")).context["accounts"]] == [account.pk]
    account.premises.building.street = "ul. Nowa"
    account.premises.building.save()
    assert "ul. Nowa" in client.get(reverse("dashboard")).content.decode()


def test_account_detail_shows_the_facts(client, owner, account, co_holder):
    client.force_login(owner)
    page = client.get(reverse("account_detail", args=[account.pk])).content.decode()
    assert account.virtual_nrb_display in page
    assert co_holder.last_name in page
    assert account.premises.building.street in page
