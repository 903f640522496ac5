"""Every resident URL: the owner gets it; a stranger, staff and co-residents of other accounts
get a 404; a logged-out visitor is sent to the login page."""

import pytest
from django.urls import reverse

from tests import access

pytestmark = pytest.mark.django_db


def test_every_resident_url_is_declared():
    found = access.resident_url_names()
    undeclared = [(route, name) for route, name in found if name not in access.declared_names()]
    assert not undeclared, (
        f"declare these URL patterns in tests/access.py (SCOPED, PRIVATE or PUBLIC): {undeclared}"
    )
    stale = access.declared_names() - {name for _route, name in found}
    assert not stale, f"tests/access.py declares URLs that no longer exist: {stale}"


@pytest.mark.parametrize("url", access.SCOPED, ids=str)
def test_owner_sees_own_object(client, owner, url):
    path = reverse(url.name, args=url.make(owner))
    client.force_login(owner)
    assert getattr(client, url.method)(path).status_code == url.ok


@pytest.mark.parametrize("url", access.SCOPED, ids=str)
def test_stranger_gets_404(client, owner, stranger, url):
    path = reverse(url.name, args=url.make(owner))
    client.force_login(stranger)
    assert getattr(client, url.method)(path).status_code == 404


@pytest.mark.parametrize("url", access.SCOPED, ids=str)
def test_staff_gets_404_on_resident_pages(client, owner, staff, url):
    path = reverse(url.name, args=url.make(owner))
    client.force_login(staff)
    assert getattr(client, url.method)(path).status_code == 404


@pytest.mark.parametrize("url", access.SCOPED, ids=str)
def test_logged_out_is_sent_to_login(client, owner, url):
    path = reverse(url.name, args=url.make(owner))
    response = getattr(client, url.method)(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", sorted(access.PRIVATE))
def test_private_pages_need_login(client, name):
    response = getattr(client, access.PRIVATE[name])(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_missing_object_is_404_not_500(client, owner):
    client.force_login(owner)
    assert client.get(reverse("account_detail", args=[999999])).status_code == 404
    assert client.get("/konta/abc/").status_code == 404


def test_ended_access_hides_the_account(client, owner, account):
    from accounts.services import account_access_end

    account_access_end(account=account)
    client.force_login(owner)
    assert client.get(reverse("account_detail", args=[account.pk])).status_code == 404
