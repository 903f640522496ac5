"""The demo data: the README's logins exist and see what the README says; a rerun changes
nothing; --scale adds premises, accounts and logins in bulk."""

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Account, AccountAccess, Building, Community, Premises, User
from accounts.queries import accounts_for_user

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "demo-ebok-2026"


def counts():
    return [m.objects.count() for m in (Community, Building, Premises, Account, User,
                                        AccountAccess)]


def seed(*args):
    call_command("seed_demo", *args, stdout=io.StringIO())


def kinds(username):
    user = User.objects.get(username=username)
    return sorted(a.kind for a in accounts_for_user(user))


def test_demo_logins_see_their_accounts():
    seed()
    assert counts()[:4] == [2, 6, 21, 21]
    assert kinds("najemca") == ["municipal_tenancy"]
    assert kinds("wlasciciel") == ["community_ownership", "community_ownership"]
    assert kinds("firma") == ["commercial_lease"]
    shared = set(accounts_for_user(User.objects.get(username="wlasciciel"))) & set(
        accounts_for_user(User.objects.get(username="wspolwlasciciel"))
    )
    assert len(shared) == 1
    # Both of wlasciciel's premises are in one community, and shares are exact fractions.
    owned = list(accounts_for_user(User.objects.get(username="wlasciciel")))
    assert len({a.premises.building.community_id for a in owned}) == 1
    community = owned[0].premises.building.community
    total = sum(p.share for p in Premises.objects.filter(building__community=community))
    assert total == 1
    assert User.objects.get(username="bok").groups.filter(name="BOK").exists()
    assert User.objects.get(username="ksiegowa").groups.filter(name="Księgowość").exists()
    assert User.objects.get(username="admin").is_superuser
    for username in ("najemca", "wlasciciel", "wspolwlasciciel", "firma", "bok", "admin"):
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None


def test_running_twice_changes_nothing():
    seed()
    before = counts()
    passwords = dict(User.objects.values_list("username", "password"))
    seed()
    assert counts() == before
    assert dict(User.objects.values_list("username", "password")) == passwords


def test_scale_adds_flats_accounts_and_logins_once():
    seed("--scale", "45")
    base = [2, 6 + 2, 21 + 45, 21 + 45, 7 + 45, 5 + 45]
    assert counts() == base
    seed("--scale", "45")
    assert counts() == base
    resident = User.objects.get(username="mieszkaniec00045")
    (account,) = accounts_for_user(resident)
    assert account.number == "5000045"
    assert account.virtual_nrb.endswith("0005000045")


def test_scale_out_of_range_is_refused():
    with pytest.raises(CommandError):
        seed("--scale", "-1")
