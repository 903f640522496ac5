"""The accessibility statement (deklaracja dostępności, on the ministry's template) and the
requests for accessibility that anyone may send (ustawa z 4 kwietnia 2019 r., art. 18–19)."""

from datetime import timedelta
from typing import Self

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.outbox import OutboxEmail

ANSWER_DAYS = 7  # art. 18 ust. 3: without delay, at the latest within 7 days
MAX_EXTENSION = relativedelta(months=2)  # art. 18 ust. 4: at most 2 months from the request


class StatementQuerySet(models.QuerySet["AccessibilityStatement"]):
    def published(self) -> Self:
        return self.filter(published_on__isnull=False, published_on__lte=timezone.localdate())


class AccessibilityStatement(models.Model):
    """One version of the statement; the newest published one is shown."""

    class Status(models.TextChoices):
        FULL = "full", _("fully compliant")
        PARTIAL = "partial", _("partially compliant")
        NONE = "none", _("not compliant")

    entity_name = models.CharField(_("entity name"), max_length=300)
    prepared_on = models.DateField(_("statement prepared on"))
    published_on = models.DateField(
        _("site published on"), null=True, blank=True, help_text=_("Empty: not shown yet.")
    )
    updated_on = models.DateField(_("site last updated on"), null=True, blank=True)
    reviewed_on = models.DateField(
        _("statement last reviewed on"),
        help_text=_("Review the statement at least once a year, by 31 March."),
    )
    status = models.CharField(_("compliance status"), max_length=10, choices=Status.choices)
    non_accessible = models.TextField(
        _("content that is not accessible, and why"),
        blank=True,
        help_text=_("One item a paragraph: what is not accessible and the reason."),
    )
    assessment_method = models.CharField(
        _("assessment method"),
        max_length=300,
        help_text=_("E.g. self-assessment by the manager, or an audit by a named company."),
    )
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=30)
    procedure = models.TextField(_("requests and complaints procedure"))
    architectural = models.TextField(_("architectural accessibility"), blank=True)
    mobile_apps = models.TextField(_("mobile applications"), blank=True)

    objects = StatementQuerySet.as_manager()

    class Meta:
        verbose_name = _("accessibility statement")
        verbose_name_plural = _("accessibility statements")
        ordering = ["-published_on", "-pk"]

    def __str__(self):
        return f"{self.entity_name} ({self.prepared_on:%d.%m.%Y})"

    def non_accessible_items(self):
        return [part.strip() for part in self.non_accessible.split("\n\n") if part.strip()]


class AccessibilityRequest(models.Model):
    """A request to make an element accessible or to get its content in another form."""

    class Status(models.TextChoices):
        NEW = "new", _("new")
        EXTENDED = "extended", _("deadline extended")
        ANSWERED = "answered", _("answered")

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), max_length=254)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    element = models.CharField(_("page or element"), max_length=500)
    need = models.TextField(_("what is needed"), max_length=5000)
    alternative = models.CharField(_("preferred alternative form"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, editable=False)
    deadline = models.DateField(_("answer by"), editable=False)
    extended_to = models.DateField(_("extended to"), null=True, blank=True, editable=False)
    extension_reason = models.TextField(_("reason for the extension"), blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW, editable=False
    )
    answer = models.TextField(_("answer"), blank=True, editable=False)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True, editable=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("accessibility request")
        verbose_name_plural = _("accessibility requests")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(extended_to__isnull=True) | ~Q(extension_reason=""),
                name="a11y_extension_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="answered") | (~Q(answer="") & Q(answered_at__isnull=False)),
                name="a11y_answered_has_answer",
            ),
        ]

    def __str__(self):
        return f"{self.name}: {self.element[:60]}"

    @property
    def received_on(self):
        return timezone.localdate(self.received_at)

    @property
    def latest_extension(self):
        return self.received_on + MAX_EXTENSION

    @property
    def due(self):
        return self.extended_to or self.deadline

    @property
    def is_overdue(self):
        return self.status != self.Status.ANSWERED and self.due < timezone.localdate()


def first_deadline(received_on):
    return received_on + timedelta(days=ANSWER_DAYS)


class RequestEmail(OutboxEmail):
    """An e-mail to a requester (a notice of extension, the answer): the row is the outbox."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("confirmation of receipt")
        EXTENSION = "extension", _("notice of extension")
        ANSWER = "answer", _("answer")

    class EmailStatus(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    request = models.ForeignKey(
        AccessibilityRequest, on_delete=models.CASCADE, related_name="emails"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    email_status = models.CharField(
        _("e-mail status"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )

    class Meta:
        verbose_name = _("e-mail to the requester")
        verbose_name_plural = _("e-mails to the requester")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.subject


class ReviewReminder(models.Model):
    """That staff were reminded to review the statement in a year (one reminder a year)."""

    year = models.PositiveSmallIntegerField(unique=True)
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return str(self.year)
