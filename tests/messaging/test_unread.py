"""The dashboard's unread list (one SQL query) shows exactly what the inbox calls unread."""

from datetime import timedelta

import pytest
from django.utils import timezone

from messaging import notify
from messaging.models import Notice, NoticeDelivery
from messaging.queries import inbox_for_user, unread_for_user
from tests.factories import UserFactory
from tests.messaging.factories import delivered_notice

pytestmark = pytest.mark.django_db


def inbox_unread(user):
    return [(i.kind, i.item_id, i.title, i.at) for i in inbox_for_user(user, unread=True)]


def shown(items):
    return [(i.kind, i.item_id, i.title, i.at) for i in items]


def test_unread_list_matches_the_inbox_and_counts_beyond_the_limit(owner):
    now = timezone.now()
    for n in range(4):
        notify(owner, f"Powiadomienie {n}", "Treść.")
    fresh = delivered_notice(owner, title="Przerwa w dostawie wody")
    delivered_notice(owner, title="Wygasłe", expires_at=now - timedelta(days=1))
    read = delivered_notice(owner, title="Przeczytane")
    NoticeDelivery.objects.filter(notice=read).update(read_at=now)
    draft = Notice.objects.create(title="Szkic", body="x", created_by=fresh.created_by)
    NoticeDelivery.objects.create(notice=draft, user=owner, email_status="skipped")
    notify(UserFactory(), "Cudze", "Nie dla tego mieszkańca.")

    items, count = unread_for_user(owner, limit=3)
    expected = inbox_unread(owner)
    assert count == len(expected) == 5  # four notifications and the one current notice
    assert shown(items) == expected[:3]
    assert all(isinstance(i.at, type(now)) and i.at.tzinfo for i in items)

    items, count = unread_for_user(owner, limit=10)
    assert shown(items) == expected
    assert count == 5
    assert "Przerwa w dostawie wody" in [i.title for i in items]


def test_nothing_unread(owner):
    assert unread_for_user(owner) == ([], 0)
