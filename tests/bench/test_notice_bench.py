"""Benchmark on PostgreSQL: a notice to 20,000 residents.

- the clerk's admin POST (publish) returns in ≤ 1 s: delivery is only enqueued;
- one worker delivers (one INSERT … SELECT) and hands every e-mail to the mail backend in
  batches in ≤ 60 s (the task functions run in-process here, with the locmem backend);
- the inbox page costs the same number of queries with 1 item or hundreds.
Prints the figures."""

import datetime
import time

import pytest
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Account, AccountAccess, Building, Premises, User
from accounts.validators import make_virtual_nrb
from ebok.celery import app
from messaging import notify, services, tasks
from messaging.models import Notice, NoticeDelivery
from tests.factories import StaffFactory
from tests.services import require_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RESIDENTS = 20_000
PER_BUILDING = 40
PUBLISH_GOAL_S = 1.0
EMAIL_GOAL_S = 60.0


def make_residents(n):
    password = make_password("x")
    buildings = Building.objects.bulk_create(
        Building(street=f"ul. Benchmarkowa {k}", postal_code="43-400", city="Cieszyn")
        for k in range(n // PER_BUILDING)
    )
    premises = Premises.objects.bulk_create(
        Premises(
            building=buildings[i // PER_BUILDING], number=str(i), kind="residential", floor_area=50
        )
        for i in range(n)
    )
    accounts = Account.objects.bulk_create(
        (
            Account(
                number=str(7_000_000 + i),
                premises=premises[i],
                kind=Account.Kind.MUNICIPAL_TENANCY,
                holder_name=f"Mieszkaniec {i}",
                valid_from=datetime.date(2020, 1, 1),
                virtual_nrb=make_virtual_nrb("10500099760300", str(7_000_000 + i)),
            )
            for i in range(n)
        ),
        batch_size=2000,
    )
    users = User.objects.bulk_create(
        (
            User(username=f"bench{i:05d}", email=f"bench{i:05d}@example.pl", password=password)
            for i in range(n)
        ),
        batch_size=2000,
    )
    AccountAccess.objects.bulk_create(
        (AccountAccess(user=users[i], account=accounts[i]) for i in range(n)), batch_size=2000
    )
    return users


def test_notice_to_twenty_thousand_residents(client, settings, capsys):
    require_postgres()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # the request must only enqueue, as in production
    broker = app.conf.broker_url
    app.conf.broker_url = "memory://"
    try:
        started = time.perf_counter()
        users = make_residents(RESIDENTS)
        setup_s = time.perf_counter() - started
        clerk = StaffFactory(is_superuser=True)
        notice = Notice.objects.create(
            title="Przerwa w dostawie wody", body="We wtorek od 8 do 12.", created_by=clerk
        )
        client.force_login(clerk)
        url = reverse("admin:messaging_notice_publish", args=[notice.pk])
        started = time.perf_counter()
        response = client.post(url)
        publish_s = time.perf_counter() - started
        assert response.status_code == 302
        assert not NoticeDelivery.objects.exists()  # left for the worker

        # What one worker does: deliver, split into batches, send each batch.
        mail.outbox = []
        started = time.perf_counter()
        delivered = tasks.notice_deliver(notice.pk)
        deliver_s = time.perf_counter() - started
        batches = services.pending_delivery_batches(notice.pk)
        for ids in batches:
            tasks.notice_emails_send(ids)
        worker_s = time.perf_counter() - started
        sent = len(mail.outbox)
    finally:
        app.conf.task_always_eager = eager
        app.conf.broker_url = broker

    # The inbox of one resident: one item, then hundreds.
    resident = users[0]
    client.force_login(resident)
    inbox = reverse("messaging:notification_list")
    client.get(inbox)
    with CaptureQueriesContext(connection) as few:
        client.get(inbox)
    for i in range(300):
        notify(resident, f"Powiadomienie {i}", "x")
    with CaptureQueriesContext(connection) as many:
        assert client.get(inbox).status_code == 200

    with capsys.disabled():
        print(
            f"\nnotice bench: {RESIDENTS} residents (set up in {setup_s:.1f} s)\n"
            f"  admin publish POST: {publish_s * 1000:.0f} ms (goal ≤ {PUBLISH_GOAL_S * 1000:.0f})"
            f"\n  delivery INSERT … SELECT: {delivered} rows in {deliver_s:.2f} s\n"
            f"  worker total (deliver + {len(batches)} batches): {sent} e-mails in "
            f"{worker_s:.1f} s (goal ≤ {EMAIL_GOAL_S:.0f})\n"
            f"  inbox queries: {len(few)} with 1 item, {len(many)} with 301 items"
        )
    assert delivered == RESIDENTS
    assert sent == RESIDENTS
    assert len({m.to[0] for m in mail.outbox}) == RESIDENTS
    assert publish_s <= PUBLISH_GOAL_S
    assert worker_s <= EMAIL_GOAL_S
    assert len(many) == len(few)
