import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, Building, Community
from audit.subjects import first_resident
from core.outbox import OutboxEmail
from core.stored_text import render
from core.text import one_line, validate_one_line


class NotificationKind(models.TextChoices):
    """What a notification is about; a resident may turn off e-mail per kind (not GENERAL:
    answers from BOK and legal notices are always e-mailed)."""

    GENERAL = "general", _("your own matters and legal notices")
    NOTICES = "notices", _("the manager's notices")
    BILLING = "billing", _("charges and payment reminders")
    METERS = "meters", _("meter reading reminders")
    FAULTS = "faults", _("fault report updates")
    RESOLUTIONS = "resolutions", _("resolutions and voting")


class Notification(OutboxEmail):
    """One message to one user: shown in e-BOK and sent by e-mail."""

    Kind = NotificationKind

    class EmailStatus(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("no e-mail address")
        OPTED_OUT = "opted_out", _("e-mail turned off")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # The Polish texts (the admin, e-mail); the keys and text_params render them in the
    # reader's language (core.stored_text). No key: the text as it was written.
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    subject_key = models.CharField(max_length=300, blank=True, db_default="", editable=False)
    body_key = models.TextField(blank=True, db_default="", editable=False)
    text_params = models.JSONField(default=dict, db_default={}, blank=True, editable=False)
    link = models.CharField(_("link"), max_length=500, blank=True)
    # "kind" is taken by the inbox query's UNION column
    category = models.CharField(
        _("kind"), max_length=20, choices=NotificationKind.choices, default=NotificationKind.GENERAL
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_status = models.CharField(
        _("e-mail status"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["user", "-created_at"],
                name="notification_unread",
                condition=models.Q(read_at__isnull=True),
            ),
            models.Index(fields=["email_status", "created_at"], name="notification_outbox"),
            # the inbox: a page of the newest, however many years of them
            models.Index(fields=["user", "-created_at", "-id"], name="notification_inbox"),
        ]

    def __str__(self):
        return self.subject

    @property
    def subject_text(self) -> str:
        """The subject in the reader's language."""
        return one_line(render(self.subject_key, self.text_params, self.subject))[:200]

    @property
    def body_text(self) -> str:
        """The body in the reader's language."""
        return render(self.body_key, self.text_params, self.body)

    def audit_resident(self):
        return first_resident(self.user)


class MessagingPreference(models.Model):
    """A resident's choices about mail; no row means the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="messaging_preference",
    )
    email_notices = models.BooleanField(
        _("e-mail me the manager's notices"),
        default=True,
        help_text=_("Notices always appear under Notifications in e-BOK."),
    )
    email_billing = models.BooleanField(_("e-mail me about charges and payments"), default=True)
    email_meters = models.BooleanField(_("e-mail me meter reading reminders"), default=True)
    email_faults = models.BooleanField(_("e-mail me updates of my fault reports"), default=True)
    email_resolutions = models.BooleanField(
        _("e-mail me about resolutions and voting"), default=True
    )

    # kind -> the field that turns its e-mail off; GENERAL has none (always e-mailed)
    FIELDS = {
        NotificationKind.NOTICES: "email_notices",
        NotificationKind.BILLING: "email_billing",
        NotificationKind.METERS: "email_meters",
        NotificationKind.FAULTS: "email_faults",
        NotificationKind.RESOLUTIONS: "email_resolutions",
    }

    class Meta:
        verbose_name = _("messaging preference")
        verbose_name_plural = _("messaging preferences")

    def __str__(self):
        return str(self.user)

    def audit_resident(self):
        return first_resident(self.user)


def _random_name(folder, filename):
    # The stored name is unguessable; the original name is kept in a field for downloads.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"messaging/{folder}/{uuid.uuid4().hex}.{suffix}"


def notice_attachment_path(instance, filename):
    return _random_name("notices", filename)


def message_attachment_path(instance, filename):
    return _random_name("messages", filename)


class Notice(models.Model):
    """A notice (ogłoszenie) from the manager to an audience of residents."""

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("everyone")
        ACCOUNT_KIND = "account_kind", _("a kind of account")
        COMMUNITY = "community", _("a housing community")
        BUILDING = "building", _("a building")
        ACCOUNTS = "accounts", _("chosen accounts")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SCHEDULED = "scheduled", _("scheduled")
        PUBLISHED = "published", _("published")

    # The subject of the notice e-mails: one line.
    title = models.CharField(_("title"), max_length=200, validators=[validate_one_line])
    body = models.TextField(_("text"))
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    audience_kind = models.CharField(
        _("kind of account"), max_length=30, choices=Account.Kind.choices, blank=True
    )
    audience_community = models.ForeignKey(
        Community,
        verbose_name=_("housing community"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    audience_building = models.ForeignKey(
        Building,
        verbose_name=_("building"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    audience_accounts = models.ManyToManyField(
        Account, verbose_name=_("accounts"), blank=True, related_name="+"
    )
    publish_at = models.DateTimeField(
        _("publish at"), null=True, blank=True, help_text=_("Empty: publish now.")
    )
    expires_at = models.DateTimeField(
        _("expires at"), null=True, blank=True, help_text=_("Empty: never.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "publish_at"], name="notice_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True)
                | Q(publish_at__isnull=True)
                | Q(expires_at__gt=F("publish_at")),
                name="notice_expires_after_publish",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        needs = {
            self.Audience.ACCOUNT_KIND: ("audience_kind", self.audience_kind),
            self.Audience.COMMUNITY: ("audience_community", self.audience_community_id),
            self.Audience.BUILDING: ("audience_building", self.audience_building_id),
        }
        if self.audience in needs:
            field, value = needs[self.audience]
            if not value:
                raise ValidationError({field: _("Choose who the notice is for.")})
        if self.expires_at and self.publish_at and self.expires_at <= self.publish_at:
            raise ValidationError(
                {"expires_at": _("The notice must expire after it is published.")}
            )


class NoticeAttachment(models.Model):
    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=notice_attachment_path)
    name = models.CharField(_("file name"), max_length=200, editable=False)
    content_type = models.CharField(max_length=50, editable=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.name


class NoticeDelivery(OutboxEmail):
    """One notice delivered to one resident: read state and the e-mail's outbox row."""

    EmailStatus = Notification.EmailStatus

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="deliveries"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notice_deliveries",
    )
    created_at = models.DateTimeField(_("delivered at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_status = models.CharField(
        _("e-mail status"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )

    class Meta:
        verbose_name = _("notice delivery")
        verbose_name_plural = _("notice deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "user"], name="one_delivery_per_user")
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="delivery_inbox"),
            # the dashboard's unread: as many rows as are unread, not every notice ever had
            models.Index(
                fields=["user"], name="delivery_unread", condition=models.Q(read_at__isnull=True)
            ),
            models.Index(fields=["email_status", "created_at"], name="delivery_outbox"),
        ]

    def __str__(self):
        return f"{self.notice} → {self.user}"

    def audit_resident(self):
        return first_resident(self.user)


class Thread(models.Model):
    """A conversation (wiadomość) between residents of one account and BOK."""

    class Topic(models.TextChoices):
        PAYMENTS = "payments", _("fees and payments")
        METERS = "meters", _("water meters")
        REPAIRS = "repairs", _("repairs and the building")
        CONTRACT = "contract", _("contract and documents")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    subject = models.CharField(_("subject"), max_length=200)
    # The form's one-time token: a second submit of the same form finds the first thread.
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    awaiting_staff = models.BooleanField(
        _("awaiting BOK"), default=True, help_text=_("The last message is from a resident.")
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="one_thread_per_form",
            ),
        ]
        # Reading residents' letters is a deliberate grant: BOK reads every topic; without
        # this permission a staff member (Księgowość) reads only STAFF_TOPICS_WITHOUT_ALL.
        permissions = [("view_all_threads", _("Can read residents' threads of every topic"))]
        verbose_name = _("message thread")
        verbose_name_plural = _("message threads")
        ordering = ["-last_activity_at", "-pk"]
        indexes = [
            models.Index(fields=["account", "-last_activity_at"], name="thread_account"),
            models.Index(fields=["status", "last_activity_at"], name="thread_queue"),
        ]

    def __str__(self):
        return self.subject

    @property
    def is_open(self):
        return self.status == self.Status.OPEN

    def audit_resident(self):
        return first_resident(self.created_by, self.account)


class ThreadMessage(models.Model):
    thread = models.ForeignKey(
        Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_staff = models.BooleanField(_("from BOK"), default=False)
    text = models.TextField(_("text"))
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    attachment = models.FileField(_("attachment"), upload_to=message_attachment_path, blank=True)
    attachment_name = models.CharField(_("attachment name"), max_length=200, blank=True)
    attachment_type = models.CharField(max_length=50, blank=True)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["author", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="one_message_per_form",
            ),
        ]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:60]

    def audit_resident(self):
        return first_resident(self.author, self.thread)


# The topics a staff member without `view_all_threads` may read: Księgowość answers about fees
# and payments, not about a resident's repairs or contract.
STAFF_TOPICS_WITHOUT_ALL = (Thread.Topic.PAYMENTS,)
