"""Notices: who they reach, scheduled publishing, batched e-mails sent once, opt-out, read
state and the merged inbox."""

import datetime
import smtplib

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, AccountAccess
from messaging import notify, services, tasks
from messaging.models import MessagingPreference, Notice, NoticeDelivery, Notification
from tests.factories import (
    AccessFactory,
    BuildingFactory,
    CommunityFactory,
    PremisesFactory,
    UserFactory,
)
from tests.messaging.factories import PDF_BYTES, delivered_notice, notice, notice_attachment
from tests.messaging.failing_backend import FailsAfterFirst

pytestmark = pytest.mark.django_db


def resident_in(building, user=None, kind=Account.Kind.MUNICIPAL_TENANCY, **account):
    premises = PremisesFactory(building=building)
    extra = {"user": user} if user else {}
    return AccessFactory(account__premises=premises, account__kind=kind, **account, **extra).user


def publish(n, staff, run_tasks=True):
    """Publish as the admin does, then run what the worker would: delivery and e-mail batches."""
    services.notice_publish(notice_id=n.pk, clerk=staff)
    if run_tasks:
        tasks.notice_deliver(n.pk)
        for ids in services.pending_delivery_batches(n.pk):
            tasks.notice_emails_send(ids)


def recipients(n):
    return set(NoticeDelivery.objects.filter(notice=n).values_list("user__username", flat=True))


def test_building_notice_reaches_its_residents_and_nobody_else(staff):
    building, other = BuildingFactory(), BuildingFactory()
    inside = {resident_in(building).username for _ in range(3)}
    outside = resident_in(other)
    n = notice(audience="building", audience_building=building)
    publish(n, staff)
    assert recipients(n) == inside
    assert outside.username not in recipients(n)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"{u}@example.pl" for u in inside)


def test_resident_with_accounts_in_two_buildings_gets_each_notice_once(staff):
    community = CommunityFactory()
    first, second = BuildingFactory(community=community), BuildingFactory(community=community)
    owner = resident_in(first, kind=Account.Kind.COMMUNITY_OWNERSHIP)
    resident_in(second, user=owner, kind=Account.Kind.COMMUNITY_OWNERSHIP)
    n = notice(audience="community", audience_community=community)
    publish(n, staff)
    assert NoticeDelivery.objects.filter(notice=n, user=owner).count() == 1
    assert [m.to for m in mail.outbox] == [[owner.email]]
    everyone = notice(audience="everyone")
    publish(everyone, staff)
    assert NoticeDelivery.objects.filter(notice=everyone, user=owner).count() == 1


def test_revoked_access_ended_accounts_and_inactive_logins_are_left_out(staff):
    building = BuildingFactory()
    kept = resident_in(building)
    revoked = resident_in(building)
    AccountAccess.objects.filter(user=revoked).update(revoked_at=timezone.now())
    ended = resident_in(building)
    Account.objects.filter(accesses__user=ended).update(valid_to=datetime.date(2021, 1, 1))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    future = resident_in(building, account__valid_from=tomorrow)
    inactive = resident_in(building)
    inactive.is_active = False
    inactive.save()
    n = notice(audience="building", audience_building=building)
    publish(n, staff)
    assert recipients(n) == {kept.username}
    assert {future.username, ended.username, revoked.username}.isdisjoint(recipients(n))


def test_kind_and_single_account_audiences(staff):
    building = BuildingFactory()
    tenant = resident_in(building)
    shop = resident_in(building, kind=Account.Kind.COMMERCIAL_LEASE)
    by_kind = notice(audience="account_kind", audience_kind=Account.Kind.COMMERCIAL_LEASE)
    publish(by_kind, staff)
    assert recipients(by_kind) == {shop.username}
    chosen = notice(audience="accounts")
    chosen.audience_accounts.add(tenant.account_accesses.get().account)
    publish(chosen, staff)
    assert recipients(chosen) == {tenant.username}


def test_accounts_audience_without_accounts_is_refused(staff):
    n = notice(audience="accounts")
    with pytest.raises(services.NoticeNotPublishable):
        services.notice_publish(notice_id=n.pk, clerk=staff)
    assert Notice.objects.get(pk=n.pk).status == "draft"


def test_opted_out_and_addressless_residents_see_the_notice_without_an_email(staff):
    building = BuildingFactory()
    wants, opted_out, no_address = (resident_in(building) for _ in range(3))
    services.preference_set(user=opted_out, email_notices=False)
    no_address.email = ""
    no_address.save()
    n = notice(audience="building", audience_building=building)
    publish(n, staff)
    assert [m.to for m in mail.outbox] == [[wants.email]]
    statuses = dict(
        NoticeDelivery.objects.filter(notice=n).values_list("user__username", "email_status")
    )
    assert statuses == {
        wants.username: "sent",
        opted_out.username: "skipped",
        no_address.username: "skipped",
    }


def test_opting_out_after_publishing_but_before_the_batch_runs_is_respected(staff):
    building = BuildingFactory()
    late = resident_in(building)
    n = notice(audience="building", audience_building=building)
    publish(n, staff, run_tasks=False)
    tasks.notice_deliver(n.pk)
    services.preference_set(user=late, email_notices=False)
    for ids in services.pending_delivery_batches(n.pk):
        tasks.notice_emails_send(ids)
    assert mail.outbox == []
    assert NoticeDelivery.objects.get(notice=n).email_status == "skipped"


@pytest.mark.parametrize(
    ("error", "rest"),
    [
        (smtplib.SMTPServerDisconnected("gone"), "pending"),  # retried with the task
        (smtplib.SMTPDataError(554, b"Message rejected"), "failed"),  # never retried
    ],
)
def test_a_batch_that_fails_midway_keeps_what_it_sent(staff, settings, monkeypatch, error, rest):
    settings.EMAIL_BACKEND = "tests.messaging.failing_backend.FailsAfterFirst"
    monkeypatch.setattr(FailsAfterFirst, "error", error)
    building = BuildingFactory()
    for _ in range(3):
        resident_in(building)
    n = notice(audience="building", audience_building=building)
    publish(n, staff, run_tasks=False)
    tasks.notice_deliver(n.pk)
    (ids,) = services.pending_delivery_batches(n.pk)
    if rest == "pending":
        with pytest.raises(Retry, match="SMTPServerDisconnected"):  # retried, with the cause
            tasks.notice_emails_send.apply(args=[ids], throw=True)
    else:
        assert tasks.notice_emails_send.apply(args=[ids]).get() == 1
    statuses = NoticeDelivery.objects.filter(notice=n).values_list("email_status", flat=True)
    assert len(mail.outbox) == 1
    assert sorted(statuses) == sorted(["sent", rest, rest])


def test_emails_go_in_batches_and_a_repeated_batch_sends_nothing(staff, settings):
    settings.MESSAGING_EMAIL_BATCH = 4
    building = BuildingFactory()
    for _ in range(10):
        resident_in(building)
    n = notice(audience="building", audience_building=building)
    services.notice_publish(notice_id=n.pk, clerk=staff)
    assert tasks.notice_deliver(n.pk) == 10
    assert tasks.notice_deliver(n.pk) == 0  # already delivered: nothing new
    batches = services.pending_delivery_batches(n.pk)
    assert [len(b) for b in batches] == [4, 4, 2]
    for ids in batches:
        tasks.notice_emails_send(ids)
        assert tasks.notice_emails_send(ids) == 0  # a redelivered task
    assert len(mail.outbox) == 10
    assert len({m.to[0] for m in mail.outbox}) == 10
    message = mail.outbox[0]
    assert message.subject == n.title
    assert n.body in message.body
    assert reverse("messaging:notice_detail", args=[n.pk]) in message.body


def test_publish_returns_before_delivery_and_enqueues_it_on_commit(
    staff, django_capture_on_commit_callbacks
):
    building = BuildingFactory()
    resident_in(building)
    n = notice(audience="building", audience_building=building)
    with django_capture_on_commit_callbacks() as callbacks:
        services.notice_publish(notice_id=n.pk, clerk=staff)
    assert len(callbacks) == 1
    assert not NoticeDelivery.objects.exists()  # the worker delivers


def test_scheduled_notice_is_delivered_by_the_sweep_only_when_due(
    staff, django_capture_on_commit_callbacks
):
    building = BuildingFactory()
    resident = resident_in(building)
    n = notice(
        audience="building",
        audience_building=building,
        publish_at=timezone.now() + datetime.timedelta(hours=2),
    )
    with django_capture_on_commit_callbacks() as callbacks:
        services.notice_publish(notice_id=n.pk, clerk=staff)
    assert callbacks == []  # nothing to do until the time comes
    assert Notice.objects.get(pk=n.pk).status == "scheduled"
    assert services.notices_publish_due() == []
    assert tasks.notice_deliver(n.pk) == 0  # a stray task before the time does nothing
    Notice.objects.filter(pk=n.pk).update(publish_at=timezone.now() - datetime.timedelta(1))
    assert services.notices_publish_due() == [n.pk]
    assert tasks.notice_deliver(n.pk) == 1
    n.refresh_from_db()
    assert n.status == "published"
    assert n.published_at
    assert recipients(n) == {resident.username}


def test_published_notice_cannot_be_published_again(staff, owner):
    n = delivered_notice(owner)
    with pytest.raises(services.NoticeNotPublishable):
        services.notice_publish(notice_id=n.pk, clerk=staff)


def test_stuck_deliveries_are_released_by_the_sweep(staff, owner):
    n = delivered_notice(owner)
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    NoticeDelivery.objects.filter(notice=n).update(
        email_status="sending", email_claimed_at=long_ago, created_at=long_ago
    )
    tasks.notices_sweep()  # eager in tests without Redis: the nudged batch runs at once
    delivery = NoticeDelivery.objects.get(notice=n)
    assert delivery.email_status in {"pending", "sent"}
    if delivery.email_status == "sent":
        assert len(mail.outbox) == 1


# -- reading ---------------------------------------------------------------------------------


def test_opening_a_notice_marks_it_read_and_the_inbox_shows_it(client, owner, stranger):
    n = delivered_notice(owner, title="Wymiana wodomierzy")
    client.force_login(owner)
    inbox = client.get(reverse("messaging:notification_list")).content.decode()
    assert "Wymiana wodomierzy" in inbox
    assert client.get(reverse("dashboard")).context["unread_count"] == 1
    page = client.get(reverse("messaging:notice_detail", args=[n.pk]))
    assert page.status_code == 200
    assert n.body in page.content.decode()
    assert NoticeDelivery.objects.get(notice=n, user=owner).read_at is not None
    assert client.get(reverse("dashboard")).context["unread_count"] == 0
    client.force_login(stranger)
    assert client.get(reverse("messaging:notice_detail", args=[n.pk])).status_code == 404


def test_expired_and_unpublished_notices_are_hidden(client, owner):
    expired = delivered_notice(owner, title="Stare ogłoszenie")
    Notice.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    client.force_login(owner)
    assert (
        "Stare ogłoszenie"
        not in client.get(reverse("messaging:notification_list")).content.decode()
    )
    assert client.get(reverse("messaging:notice_detail", args=[expired.pk])).status_code == 404


def test_inbox_merges_notices_and_notifications_newest_first(client, owner):
    old = delivered_notice(owner, title="Ogłoszenie starsze")
    Notice.objects.filter(pk=old.pk).update(
        published_at=timezone.now() - datetime.timedelta(days=2)
    )
    notify(owner, "Powiadomienie środkowe", "x")
    delivered_notice(owner, title="Ogłoszenie najnowsze")
    client.force_login(owner)
    page = client.get(reverse("messaging:notification_list")).content.decode()
    positions = [
        page.index(t)
        for t in ("Ogłoszenie najnowsze", "Powiadomienie środkowe", "Ogłoszenie starsze")
    ]
    assert positions == sorted(positions)


def test_mark_all_read_covers_notices_and_notifications(client, owner):
    delivered_notice(owner)
    notify(owner, "Temat", "x")
    client.force_login(owner)
    client.post(reverse("messaging:read_all"))
    assert not NoticeDelivery.objects.filter(user=owner, read_at__isnull=True).exists()
    assert client.get(reverse("dashboard")).context["unread_count"] == 0


def test_inbox_query_count_is_constant(client, owner, django_assert_max_num_queries):
    client.force_login(owner)
    url = reverse("messaging:notification_list")
    delivered_notice(owner, title="Pierwsze")
    notify(owner, "Pierwsze powiadomienie", "x")
    client.get(url)

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(40):
        delivered_notice(owner, title=f"Ogłoszenie {i}")
        notify(owner, f"Powiadomienie {i}", "x")
    with django_assert_max_num_queries(len(few)):
        page = client.get(url)
    assert "Ogłoszenie 39" in page.content.decode()


def test_notice_attachment_is_served_only_to_recipients(client, owner, stranger):
    n = delivered_notice(owner)
    attachment = notice_attachment(n)
    url = reverse("messaging:notice_attachment", args=[n.pk, attachment.pk])
    client.force_login(owner)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def test_preferences_page_turns_notice_emails_off(client, owner):
    client.force_login(owner)
    url = reverse("messaging:preferences")
    assert client.get(url).status_code == 200
    response = client.post(url, {})  # the box unticked
    assert response.status_code == 302
    assert MessagingPreference.objects.get(user=owner).email_notices is False
    client.post(url, {"email_notices": "on"})
    assert MessagingPreference.objects.get(user=owner).email_notices is True


# -- admin -----------------------------------------------------------------------------------


def test_clerk_writes_and_publishes_a_notice_in_admin(
    client, staff, django_capture_on_commit_callbacks
):
    building = BuildingFactory()
    resident = resident_in(building)
    client.force_login(staff)
    add = reverse("admin:messaging_notice_add")
    assert client.get(add).status_code == 200
    data = {
        "title": "Przerwa w dostawie wody",
        "body": "We wtorek od 8 do 12.",
        "audience": "building",
        "audience_building": building.pk,
        "attachments-TOTAL_FORMS": "1",
        "attachments-INITIAL_FORMS": "0",
        "attachments-0-file": SimpleUploadedFile("plan prac.pdf", PDF_BYTES),
    }
    response = client.post(add, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    n = Notice.objects.get()
    assert n.created_by == staff
    assert n.status == "draft"
    assert n.attachments.get().name == "plan prac.pdf"
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("admin:messaging_notice_publish", args=[n.pk]))
    assert response.status_code == 302
    assert len(callbacks) == 1
    tasks.notice_deliver(n.pk)
    assert recipients(n) == {resident.username}
    change = client.get(reverse("admin:messaging_notice_change", args=[n.pk])).content.decode()
    assert "0 of 1 read" in change or "0 z 1" in change


def test_admin_refuses_a_non_pdf_attachment(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("admin:messaging_notice_add"),
        {
            "title": "T",
            "body": "B",
            "audience": "everyone",
            "attachments-TOTAL_FORMS": "1",
            "attachments-INITIAL_FORMS": "0",
            "attachments-0-file": SimpleUploadedFile("x.exe", b"MZ\x90\x00 not a pdf"),
        },
    )
    assert response.status_code == 200
    assert not Notice.objects.exists()


def test_staff_see_who_read_a_notice(client, staff, owner):
    n = delivered_notice(owner)
    services.notice_mark_read(user=owner, notice_id=n.pk)
    client.force_login(staff)
    listing = client.get(
        reverse("admin:messaging_noticedelivery_changelist") + f"?notice__id__exact={n.pk}"
    )
    assert listing.status_code == 200
    assert owner.username in listing.content.decode()
    notices = client.get(reverse("admin:messaging_notice_changelist")).content.decode()
    assert n.title in notices


def test_other_kinds_of_users_unaffected(staff):
    # A user with no accounts at all (e.g. staff) gets nothing from an "everyone" notice.
    UserFactory()
    n = notice(audience="everyone")
    publish(n, staff)
    assert recipients(n) == set()


def test_the_inbox_shows_25_items_a_page_reading_each_kind_with_a_limit(client, owner):
    """20 notices and 20 notifications, a notice then a notification an hour apart: the
    newest 25 on the first page, the 15 before them a page back; each kind is read newest
    first up to the page's end and one more (LIMIT 26), never the whole inbox."""
    now = timezone.now()
    for n in range(20):
        delivered_notice(owner, title=f"Ogłoszenie {n}")
        Notice.objects.filter(title=f"Ogłoszenie {n}").update(
            published_at=now - datetime.timedelta(hours=80 - 2 * n)
        )
        notification = notify(owner, f"Powiadomienie {n}", "x")
        Notification.objects.filter(pk=notification.pk).update(
            created_at=now - datetime.timedelta(hours=79 - 2 * n)
        )
    client.force_login(owner)
    url = reverse("messaging:notification_list")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        first = client.get(url)
        inbox = [
            q["sql"]
            for q in queries
            if 'FROM "messaging_notification"' in q["sql"]
            or 'FROM "messaging_noticedelivery"' in q["sql"]
        ]
    newest = [f"{kind} {n}" for n in range(19, -1, -1) for kind in ("Powiadomienie", "Ogłoszenie")]
    assert [item.title for item in first.context["items"]] == newest[:25]
    assert 'href="?page=2">Starsze</a>' in first.content.decode()
    assert len(inbox) == 2
    assert all("LIMIT 26" in sql for sql in inbox), inbox
    second = client.get(url, {"page": 2})
    assert [item.title for item in second.context["items"]] == newest[25:]
    assert "Starsze" not in second.content.decode()
