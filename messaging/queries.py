"""Reads for resident pages, scoped to the user; another user's object is a 404."""

import json
from collections import namedtuple

from django.db import connection
from django.db.models import CharField, F, JSONField, Q, Value
from django.http import Http404
from django.utils import timezone

from accounts.models import Account, AccountAccess, User
from core.stored_text import render
from core.text import one_line

from .models import Notice, NoticeAttachment, NoticeDelivery, Notification, Thread, ThreadMessage


def notifications_for_user(user):
    return Notification.objects.filter(user=user)


def visible_deliveries(user):
    """The user's delivered notices that are published and not expired."""
    now = timezone.now()
    return NoticeDelivery.objects.filter(user=user, notice__status=Notice.Status.PUBLISHED).filter(
        Q(notice__expires_at__isnull=True) | Q(notice__expires_at__gt=now)
    )


INBOX_COLUMNS = ("kind", "item_id", "title", "at", "read_at", "title_key", "title_params")


def _inbox_parts(user):
    notices = visible_deliveries(user).annotate(
        kind=Value("notice", output_field=CharField()),
        item_id=F("notice_id"),
        title=F("notice__title"),
        at=F("notice__published_at"),
        title_key=Value("", output_field=CharField()),
        title_params=Value(None, output_field=JSONField()),
    )
    notifications = notifications_for_user(user).annotate(
        kind=Value("notification", output_field=CharField()),
        item_id=F("pk"),
        title=F("subject"),
        at=F("created_at"),
        title_key=F("subject_key"),
        title_params=F("text_params"),
    )
    return notices, notifications


def inbox_page(user, page=1, size=25):
    """(items, older): one page of the inbox, newest first, and whether older items exist.
    Each kind is read newest first up to the end of the page and one more, then merged: two
    queries with a LIMIT, and no count of ten years of notifications."""
    want = page * size + 1
    items = []
    for part in _inbox_parts(user):
        rows = part.order_by("-at", "-item_id").values_list(*INBOX_COLUMNS, named=True)
        items += rows[:want]
    items.sort(key=lambda item: (item.at, item.item_id), reverse=True)
    start = (page - 1) * size
    return inbox_rows(items[start : start + size]), len(items) > start + size


def inbox_for_user(user, unread=False):
    """Notices and notifications in one list, newest first: a UNION the paginator can slice,
    so a page costs two queries (count and rows) however many items there are. Its rows carry
    a notification's subject key and parameters: `inbox_rows` renders them."""
    notices, notifications = _inbox_parts(user)
    if unread:
        notices = notices.filter(read_at__isnull=True)
        notifications = notifications.filter(read_at__isnull=True)
    return (
        notices.order_by()
        .values_list(*INBOX_COLUMNS, named=True)
        .union(notifications.order_by().values_list(*INBOX_COLUMNS, named=True), all=True)
        .order_by("-at", "-item_id")
    )


InboxRow = namedtuple("InboxRow", ["kind", "item_id", "title", "at", "read_at"])


def _title(title, key, params) -> str:
    if isinstance(params, str):  # SQLite's raw rows give JSON as text
        params = json.loads(params)
    return one_line(render(key, params or {}, title))[:200]


def inbox_rows(rows) -> list[InboxRow]:
    """Rows of inbox_for_user with each title in the reader's language."""
    return [
        InboxRow(
            row.kind,
            row.item_id,
            _title(row.title, row.title_key, row.title_params),
            row.at,
            row.read_at,
        )
        for row in rows
    ]


# Table names from the models; every value is a parameter.
UNREAD_SQL = f"""
    SELECT kind, item_id, title, at, title_key, title_params, COUNT(*) OVER () FROM (
        SELECT 'notice' AS kind, d.notice_id AS item_id, n.title AS title, n.published_at AS at,
          '' AS title_key, NULL AS title_params
        FROM {NoticeDelivery._meta.db_table} d
        JOIN {Notice._meta.db_table} n ON n.id = d.notice_id
        WHERE d.user_id = %s AND d.read_at IS NULL AND n.status = %s
          AND (n.expires_at IS NULL OR n.expires_at > %s)
        UNION ALL
        SELECT 'notification', id, subject, created_at, subject_key, text_params
        FROM {Notification._meta.db_table}
        WHERE user_id = %s AND read_at IS NULL
    ) AS unread ORDER BY at DESC, item_id DESC LIMIT %s
"""  # noqa: S608


def unread_for_user(user, limit=5):
    """The newest unread inbox items and the unread count, in one query: the rows and filters
    of inbox_for_user(user, unread=True), in SQL, because the dashboard asks on every visit and
    building the ORM's UNION costs five times more than running it."""
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(UNREAD_SQL, [user.pk, Notice.Status.PUBLISHED, now, user.pk, limit])
        rows = cursor.fetchall()
    convert = getattr(ops, "convert_datetimefield_value", None)  # SQLite returns text
    items = [
        InboxRow(
            kind,
            item_id,
            _title(title, key, params),
            convert(at, None, connection) if convert else at,
            None,
        )
        for kind, item_id, title, at, key, params, _count in rows
    ]
    return items, rows[0][6] if rows else 0


def get_notification_for_user(user, pk):
    notification = notifications_for_user(user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    return notification


def get_notice_for_user(user, notice_id):
    """(notice with its attachments, the user's delivery) or 404."""
    delivery = visible_deliveries(user).filter(notice_id=notice_id).select_related("notice").first()
    if delivery is None:
        raise Http404
    notice = delivery.notice
    notice.attachment_list = list(notice.attachments.all())
    return notice, delivery


def get_notice_attachment_for_user(user, notice_id, pk):
    attachment = NoticeAttachment.objects.filter(
        pk=pk, notice_id=notice_id, notice__in=visible_deliveries(user).values("notice_id")
    ).first()
    if attachment is None:
        raise Http404
    return attachment


# -- threads ---------------------------------------------------------------------------------


def current_account_ids(user):
    return (
        AccountAccess.objects.current()
        .filter(user=user, account__in=Account.objects.active().values("pk"))
        .values("account_id")
    )


def threads_for_user(user):
    """Threads about accounts the user may act for now, whoever started them: co-holders and a
    new holder see BOK's conversations about their flat, and one whose access ended no longer
    does (the rule of fault reports too)."""
    return (
        Thread.objects.filter(account__in=current_account_ids(user))
        .select_related("account__premises__building")
        .order_by("-last_activity_at", "-pk")
    )


THREAD_PAGE = 20  # messages on one page of a conversation, the newest last


def get_thread_for_user(user, pk, page=1):
    """The thread with one page of its messages (`message_list`, oldest first; `page` 1 holds
    the newest) and `older` when earlier ones exist. Found through threads_for_user, so the
    user may act for its account now: an open thread takes their reply."""
    thread = threads_for_user(user).filter(pk=pk).first()
    if thread is None:
        raise Http404
    start = (page - 1) * THREAD_PAGE
    newest_first = list(
        thread.messages.select_related("author").order_by("-created_at", "-pk")[
            start : start + THREAD_PAGE + 1
        ]
    )
    thread.page = page
    thread.older = len(newest_first) > THREAD_PAGE
    thread.message_list = newest_first[:THREAD_PAGE][::-1]
    thread.can_reply = thread.is_open
    return thread


def get_message_attachment_for_user(user, thread_id, pk):
    message = (
        ThreadMessage.objects.filter(pk=pk, thread_id=thread_id)
        .filter(thread__in=threads_for_user(user).values("pk"))
        .exclude(attachment="")
        .first()
    )
    if message is None:
        raise Http404
    return message


def thread_residents(thread):
    """Who to tell about BOK's answer: the residents who wrote in the thread, or, when BOK
    started it and nobody answered yet, everyone; always only those who may act for the
    account now (the answer is e-mailed, and one whose access ended no longer reads it)."""
    writers = set(
        ThreadMessage.objects.filter(thread=thread, from_staff=False).values_list(
            "author_id", flat=True
        )
    )
    if not thread.created_by.is_staff:
        writers.add(thread.created_by_id)
    holders = User.objects.filter(
        is_active=True,
        account_accesses__in=AccountAccess.objects.current().filter(account_id=thread.account_id),
    ).distinct()
    if writers:
        return list(holders.filter(pk__in=writers))
    return list(holders)


def thread_by_token(user, token) -> Thread | None:
    """The thread this user already started with this form's one-time token, or None."""
    if token is None:
        return None
    return Thread.objects.filter(idempotency_key=token, created_by=user).first()


def reply_by_token(user, thread, token) -> ThreadMessage | None:
    if token is None:
        return None
    return ThreadMessage.objects.filter(idempotency_key=token, thread=thread, author=user).first()
