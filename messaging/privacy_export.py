"""Messaging's part of the "my data" export (core/personal_data.py): the person's
conversations with BOK, their notifications and the notices delivered to them."""

from collections.abc import Iterator

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.personal_data import MOMENT, YES_NO, Column, Person, Row, Section

from .models import NoticeDelivery, Notification, ThreadMessage


def _messages(person: Person) -> Iterator[Row]:
    """Every message of the person's conversations, and any they wrote elsewhere."""
    messages = (
        ThreadMessage.objects.filter(Q(thread__created_by=person.user) | Q(author=person.user))
        .select_related("thread")
        .order_by("thread_id", "created_at", "pk")
        .distinct()
    )
    for m in messages:
        yield [m.thread_id, m.thread.subject, m.created_at, m.from_staff, m.text]


def _notifications(person: Person) -> Iterator[Row]:
    for n in Notification.objects.filter(user=person.user).order_by("created_at", "pk"):
        yield [
            n.subject_text, n.created_at, n.read_at, n.get_email_status_display(), n.email_sent_at
        ]


def _notices(person: Person) -> Iterator[Row]:
    deliveries = (
        NoticeDelivery.objects.filter(user=person.user).select_related("notice").order_by("pk")
    )
    for d in deliveries:
        yield [
            d.notice.title,
            d.created_at,
            d.read_at,
            d.get_email_status_display(),
            d.email_sent_at,
        ]


SECTIONS = [
    Section(
        "messages",
        "wiadomosci",
        _("Messages to BOK"),
        [
            Column("thread", _("Conversation")),
            Column("subject", _("Subject")),
            Column("written_at", _("Written"), MOMENT),
            Column("from_bok", _("From BOK"), YES_NO),
            Column("text", _("Text")),
        ],
        _messages,
    ),
    Section(
        "notifications",
        "powiadomienia",
        _("Notifications"),
        [
            Column("subject", _("Subject")),
            Column("created_at", _("Created"), MOMENT),
            Column("read_at", _("Read"), MOMENT),
            Column("email", _("E-mail")),
            Column("email_sent_at", _("E-mail sent"), MOMENT),
        ],
        _notifications,
    ),
    Section(
        "notices",
        "ogloszenia",
        _("Notices"),
        [
            Column("title", _("Title")),
            Column("delivered_at", _("Delivered"), MOMENT),
            Column("read_at", _("Read"), MOMENT),
            Column("email", _("E-mail")),
            Column("email_sent_at", _("E-mail sent"), MOMENT),
        ],
        _notices,
    ),
]
