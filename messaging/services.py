"""Every write of messaging: notifications, notices and their deliveries, threads with BOK."""

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import BigIntegerField, Case, CharField, F, Value, When
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.models import Account, AccountAccess, User
from audit.services import Action, audit_clerk, resident_of
from core import outbox
from core.enqueue import enqueue_on_commit
from core.stored_text import StoredText
from core.text import has_control_characters, one_line

from . import queries
from .attachments import clean_attachment
from .audience import audience_users, wants_no_email
from .models import (
    MessagingPreference,
    Notice,
    NoticeDelivery,
    Notification,
    Thread,
    ThreadMessage,
)

SKIPPED = NoticeDelivery.EmailStatus.SKIPPED


class MessagingError(Exception):
    """A domain error whose message is shown to the user."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


class NoticeNotPublishable(MessagingError):
    pass


class ThreadClosed(MessagingError):
    pass


class NotAllowed(MessagingError):
    pass


# -- notifications (other apps call notify) --------------------------------------------------


def wants_email(user, kind) -> bool:
    field = MessagingPreference.FIELDS.get(kind)
    if field is None:
        return True
    return not MessagingPreference.objects.filter(user=user, **{field: False}).exists()


def _polish(text: str | StoredText) -> str:
    return text.polish() if isinstance(text, StoredText) else text


def _key(text: str | StoredText) -> str:
    return text.key if isinstance(text, StoredText) else ""


def _params(*texts: str | StoredText) -> dict:
    """One set of parameters for the subject and the body: a name both use means one value."""
    params: dict = {}
    for text in texts:
        if isinstance(text, StoredText):
            params.update(text.encoded())
    return params


def notify(
    user,
    subject: str | StoredText,
    body: str | StoredText,
    link=None,
    kind=Notification.Kind.GENERAL,
):
    """Tell a user something: an in-app notification now and an e-mail after commit, unless
    the user turned e-mail off for this kind. A subject or body composed in code is a
    StoredText (core.stored_text), so that each reader reads it in their language.

    Safe inside a caller's transaction: if it rolls back, neither exists.
    """
    if kind not in Notification.Kind.values:
        raise ValueError(f"unknown notification kind: {kind!r}")
    if not user.email:
        status = Notification.EmailStatus.SKIPPED
    elif not wants_email(user, kind):
        status = Notification.EmailStatus.OPTED_OUT
    else:
        status = Notification.EmailStatus.PENDING
    with transaction.atomic():
        notification = Notification.objects.create(
            user=user,
            subject=one_line(_polish(subject))[:200],
            body=_polish(body),
            subject_key=_key(subject),
            body_key=_key(body),
            text_params=_params(subject, body),
            link=link or "",
            category=kind,
            email_status=status,
        )
        if status == Notification.EmailStatus.PENDING:
            enqueue_on_commit("messaging.notification_email_send", notification.pk)
    return notification


def notification_mark_read(*, user, notification_id) -> int:
    with transaction.atomic(durable=True):
        return Notification.objects.filter(
            user=user, pk=notification_id, read_at__isnull=True
        ).update(read_at=timezone.now())


def notifications_mark_all_read(*, user) -> int:
    """Everything in the user's inbox: notifications and delivered notices."""
    now = timezone.now()
    with transaction.atomic(durable=True):
        count = Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=now)
        count += NoticeDelivery.objects.filter(user=user, read_at__isnull=True).update(read_at=now)
    return count


def preference_set(*, user, **choices) -> MessagingPreference:
    """Save the e-mail choices given (field name -> bool); the others keep their value."""
    allowed = set(MessagingPreference.FIELDS.values())
    unknown = set(choices) - allowed
    if unknown:
        raise ValueError(f"unknown preferences: {sorted(unknown)}")
    with transaction.atomic(durable=True):
        preference, _created = MessagingPreference.objects.update_or_create(
            user=user, defaults={name: bool(value) for name, value in choices.items()}
        )
    return preference


# -- notices ---------------------------------------------------------------------------------


def notice_publish(*, notice_id, clerk) -> Notice:
    """Publish a draft now, or schedule it for its `publish_at`; delivery runs in a task."""
    with transaction.atomic(durable=True):
        notice = Notice.objects.select_for_update().get(pk=notice_id)
        if notice.status == Notice.Status.PUBLISHED:
            raise NoticeNotPublishable(_("The notice is already published."))
        now = timezone.now()
        if notice.publish_at is None or notice.publish_at < now:
            notice.publish_at = now
        if notice.expires_at and notice.expires_at <= notice.publish_at:
            raise NoticeNotPublishable(_("The notice would expire before it is published."))
        if notice.audience == Notice.Audience.ACCOUNTS and not notice.audience_accounts.exists():
            raise NoticeNotPublishable(_("Choose at least one account."))
        old = {"status": notice.status}
        notice.status = Notice.Status.SCHEDULED
        notice.save(update_fields=["status", "publish_at"])
        audit_clerk(
            clerk,
            action=Action.CHANGE,
            obj=notice,
            old=old,
            new={"status": notice.status, "publish_at": notice.publish_at},
        )
        if notice.publish_at <= now:
            enqueue_on_commit("messaging.notice_deliver", notice.pk)
    return notice


def notice_withdraw_schedule(*, notice_id, clerk) -> bool:
    """A scheduled notice back to draft, before it goes out."""
    with transaction.atomic(durable=True):
        done = bool(
            Notice.objects.filter(pk=notice_id, status=Notice.Status.SCHEDULED).update(
                status=Notice.Status.DRAFT
            )
        )
        if done:
            _audit_status(clerk, Notice, notice_id, Notice.Status.SCHEDULED)
        return done


def _audit_status(clerk, model, pk, old_status):
    if clerk is None:
        return
    obj = model.objects.get(pk=pk)
    audit_clerk(
        clerk,
        action=Action.CHANGE,
        obj=obj,
        old={"status": old_status},
        new={"status": obj.status},
    )


def notice_deliver(*, notice_id) -> int:
    """Deliver a due notice to its audience in one INSERT … SELECT; safe to run twice.

    Returns the number of new deliveries (0 when the notice is not due or already delivered).
    """
    with transaction.atomic(durable=True):
        notice = (
            Notice.objects.select_for_update()
            .filter(pk=notice_id, status=Notice.Status.SCHEDULED, publish_at__lte=timezone.now())
            .first()
        )
        if notice is None:
            return 0
        created = _insert_deliveries(notice)
        notice.status = Notice.Status.PUBLISHED
        notice.published_at = timezone.now()
        notice.save(update_fields=["status", "published_at"])
        enqueue_on_commit("messaging.notice_emails_enqueue", notice.pk)
    return created


def _insert_deliveries(notice) -> int:
    pending, skipped = NoticeDelivery.EmailStatus.PENDING, NoticeDelivery.EmailStatus.SKIPPED
    rows = (
        audience_users(notice)
        .annotate(
            d_notice=Value(notice.pk, output_field=BigIntegerField()),
            d_user=F("pk"),
            d_status=Case(
                When(wants_no_email(), then=Value(skipped)),
                default=Value(pending),
                output_field=CharField(),
            ),
            d_created=Now(),
        )
        .values_list("d_notice", "d_user", "d_status", "d_created")
    )
    select, params = rows.query.sql_with_params()
    table = NoticeDelivery._meta.db_table
    sql = (
        f'INSERT INTO "{table}" ("notice_id", "user_id", "email_status", "created_at") '
        f'{select} ON CONFLICT ("notice_id", "user_id") DO NOTHING'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        inserted: int = cursor.rowcount
    return inserted


def pending_delivery_batches(notice_id, size=None):
    """The ids of a notice's deliveries still waiting for their e-mail, in batches."""
    size = size or settings.MESSAGING_EMAIL_BATCH
    ids = list(
        NoticeDelivery.objects.filter(
            notice_id=notice_id, email_status=NoticeDelivery.EmailStatus.PENDING
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def notice_emails_claim(delivery_ids) -> list:
    """Take a batch of deliveries for sending; rows another worker holds or finished are left.

    On PostgreSQL the rows are locked and skipped when locked, so two workers never claim one
    row; the UPDATE's condition on the status keeps it right on SQLite too.
    """
    now = timezone.now()
    with transaction.atomic(durable=True):
        waiting = NoticeDelivery.objects.filter(
            pk__in=delivery_ids, email_status=NoticeDelivery.EmailStatus.PENDING
        )
        # Turned e-mail off (or lost the address) after the notice was published.
        waiting.filter(user__in=audience_opted_out(delivery_ids)).update(email_status=SKIPPED)
        ids = list(
            waiting.select_for_update(skip_locked=True).order_by("pk").values_list("pk", flat=True)
        )
        NoticeDelivery.objects.filter(
            pk__in=ids, email_status=NoticeDelivery.EmailStatus.PENDING
        ).update(email_status=outbox.SENDING, email_claimed_at=now)
    return ids


def audience_opted_out(delivery_ids):
    return User.objects.filter(wants_no_email(), notice_deliveries__pk__in=delivery_ids).values(
        "pk"
    )


def notice_emails_finish(delivery_ids, status):
    values = {"email_status": status}
    if status == outbox.SENT:
        values["email_sent_at"] = timezone.now()
    with transaction.atomic(durable=True):
        NoticeDelivery.objects.filter(pk__in=delivery_ids, email_status=outbox.SENDING).update(
            **values
        )


def notice_mark_read(*, user, notice_id) -> int:
    with transaction.atomic(durable=True):
        return NoticeDelivery.objects.filter(
            user=user, notice_id=notice_id, read_at__isnull=True
        ).update(read_at=timezone.now())


def notices_publish_due() -> list:
    """Ids of scheduled notices whose time has come (the beat task delivers them)."""
    return list(
        Notice.objects.filter(
            status=Notice.Status.SCHEDULED, publish_at__lte=timezone.now()
        ).values_list("pk", flat=True)
    )


# -- threads ---------------------------------------------------------------------------------


def _can_act_for(user, account_id) -> bool:
    return (
        AccountAccess.objects.current()
        .filter(user=user, account_id=account_id, account__in=_active_accounts())
        .exists()
    )


def _active_accounts():
    return Account.objects.active().values("pk")


def _message(thread, author, text, attachment, from_staff, idempotency_key=None) -> ThreadMessage:
    text = (text or "").strip()
    if not text:
        raise MessagingError(_("Write the message."), field="text")
    message = ThreadMessage(
        thread=thread,
        author=author,
        text=text,
        from_staff=from_staff,
        idempotency_key=idempotency_key,
    )
    if attachment:
        content, name, content_type = clean_attachment(attachment)
        message.attachment_name, message.attachment_type = name, content_type
        message.attachment.save(content.name, content, save=False)
    message.save()
    return message


def _clean_upload(attachment):
    """Validate before any row is written, so a bad file changes nothing."""
    if attachment:
        from .attachments import AttachmentRejected

        try:
            clean_attachment(attachment)
        except AttachmentRejected as error:
            raise MessagingError(str(error), field="attachment") from error
        attachment.seek(0)


def thread_start(
    *, user, account_id, topic, subject, text, attachment=None, idempotency_key=None
) -> Thread:
    """A resident writes to BOK about one of the accounts they may act for. A second submit of
    the same form (`idempotency_key`) returns the first thread."""
    done = queries.thread_by_token(user, idempotency_key)
    if done is not None:
        return done
    if not _can_act_for(user, account_id):
        raise NotAllowed(_("Choose one of your accounts."), field="account")
    if topic not in Thread.Topic.values:
        raise MessagingError(_("Choose a topic."), field="topic")
    if has_control_characters(subject):
        raise MessagingError(
            _("Write it on one line, without line breaks or tabs."), field="subject"
        )
    subject = (subject or "").strip()
    if not subject:
        raise MessagingError(_("Give the subject."), field="subject")
    _clean_upload(attachment)
    try:
        with transaction.atomic(durable=True):
            thread = Thread.objects.create(
                account_id=account_id,
                topic=topic,
                subject=subject[:200],
                created_by=user,
                idempotency_key=idempotency_key,
            )
            _message(thread, user, text, attachment, from_staff=False)
    except IntegrityError:
        done = queries.thread_by_token(user, idempotency_key)  # the other submit won the race
        if done is None:
            raise
        return done
    return thread


def thread_reply(*, user, thread_id, text, attachment=None, idempotency_key=None) -> ThreadMessage:
    """A resident's reply; only while the thread is open and they may act for its account. A
    second submit of the same form (`idempotency_key`) returns the first reply."""
    _clean_upload(attachment)
    with transaction.atomic(durable=True):
        thread = Thread.objects.select_for_update().get(pk=thread_id)
        done = queries.reply_by_token(user, thread, idempotency_key)
        if done is not None:
            return done
        if not _can_act_for(user, thread.account_id):
            raise NotAllowed(_("You can no longer write about this account."))
        if not thread.is_open:
            raise ThreadClosed(_("The conversation is closed. Start a new one."))
        message = _message(
            thread, user, text, attachment, from_staff=False, idempotency_key=idempotency_key
        )
        thread.last_activity_at = message.created_at
        thread.awaiting_staff = True
        thread.save(update_fields=["last_activity_at", "awaiting_staff"])
    return message


def thread_staff_start(
    *, clerk, account_id, topic, subject, text, recipient=None, attachment=None
) -> Thread:
    """BOK writes first to the residents of an account: to one of them (`recipient`, who must
    may act for it now) or to everyone who may. Like every thread of an account, its people
    see it; only the addressees are notified."""
    if topic not in Thread.Topic.values:
        raise MessagingError(_("Choose a topic."), field="topic")
    if has_control_characters(subject):
        raise MessagingError(
            _("Write it on one line, without line breaks or tabs."), field="subject"
        )
    subject = (subject or "").strip()
    if not subject:
        raise MessagingError(_("Give the subject."), field="subject")
    if recipient is not None and not _can_act_for(recipient, account_id):
        raise NotAllowed(_("This person has no current access to the account."), field="recipient")
    _clean_upload(attachment)
    with transaction.atomic(durable=True):
        thread = Thread.objects.create(
            account_id=account_id,
            topic=topic,
            subject=subject[:200],
            created_by=clerk,
            awaiting_staff=False,
        )
        message = _message(thread, clerk, text, attachment, from_staff=True)
        audit_clerk(
            clerk,
            action=Action.ADD,
            obj=thread,
            resident=recipient or resident_of(thread),
            new={
                "subject": thread.subject,
                "text": message.text,
                "to": recipient.pk if recipient else None,
            },
        )
        link = reverse("messaging:thread_detail", args=[thread.pk])
        for resident in [recipient] if recipient else queries.thread_residents(thread):
            notify(
                resident,
                StoredText(
                    gettext_noop("A message from BOK: %(subject)s"), {"subject": thread.subject}
                ),
                message.text,
                link=link,
            )
    return thread


def thread_staff_reply(*, clerk, thread_id, text, attachment=None) -> ThreadMessage:
    """BOK answers; the residents of the conversation are notified. Reopens a closed thread."""

    _clean_upload(attachment)
    with transaction.atomic(durable=True):
        thread = Thread.objects.select_for_update().get(pk=thread_id)
        message = _message(thread, clerk, text, attachment, from_staff=True)
        thread.last_activity_at = message.created_at
        thread.awaiting_staff = False
        thread.status, thread.closed_at = Thread.Status.OPEN, None
        thread.save(update_fields=["last_activity_at", "awaiting_staff", "status", "closed_at"])
        audit_clerk(
            clerk,
            action=Action.ADD,
            obj=message,
            resident=resident_of(thread),
            new={"text": message.text, "attachment": message.attachment_name},
        )
        link = reverse("messaging:thread_detail", args=[thread.pk])
        for resident in queries.thread_residents(thread):
            notify(
                resident,
                StoredText(gettext_noop("BOK answered: %(subject)s"), {"subject": thread.subject}),
                message.text,
                link=link,
            )
    return message


def thread_close(*, clerk, thread_id) -> bool:
    with transaction.atomic(durable=True):
        done = bool(
            Thread.objects.filter(pk=thread_id, status=Thread.Status.OPEN).update(
                status=Thread.Status.CLOSED, closed_at=timezone.now(), awaiting_staff=False
            )
        )
        if done:
            _audit_status(clerk, Thread, thread_id, Thread.Status.OPEN)
        return done


def thread_reopen(*, clerk, thread_id) -> bool:
    with transaction.atomic(durable=True):
        done = bool(
            Thread.objects.filter(pk=thread_id, status=Thread.Status.CLOSED).update(
                status=Thread.Status.OPEN, closed_at=None
            )
        )
        if done:
            _audit_status(clerk, Thread, thread_id, Thread.Status.CLOSED)
        return done
