"""Demo messaging data: two published notices and a thread of `najemca` with BOK's answer;
running seed_demo twice changes nothing."""

import io

import pytest
from django.core.management import call_command

from messaging.models import Notice, NoticeDelivery, Thread, ThreadMessage

pytestmark = pytest.mark.django_db


def counts():
    return (
        Notice.objects.count(),
        NoticeDelivery.objects.count(),
        Thread.objects.count(),
        ThreadMessage.objects.count(),
    )


def test_seed_demo_makes_notices_and_a_thread_once():
    call_command("seed_demo", stdout=io.StringIO())
    first = counts()
    assert Notice.objects.filter(status="published").count() == 2
    community = Notice.objects.get(audience="community")
    assert set(community.deliveries.values_list("user__username", flat=True)) == {
        "wlasciciel",
        "wspolwlasciciel",
    }
    thread = Thread.objects.get(created_by__username="najemca")
    assert [m.from_staff for m in thread.messages.all()] == [False, True]
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == first
