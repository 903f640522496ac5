"""Fault reports (zgłoszenia awarii): what broke and where, the photos, and an append-only
timeline of every change, comment and note. The workflow itself lives in services.py."""

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Account, Building, Premises
from audit.subjects import first_resident
from core.outbox import OutboxEmail


class Status(models.TextChoices):
    # A context of their own: in Polish a report's status agrees with "zgłoszenie" (neuter).
    NEW = "new", pgettext_lazy("fault status", "new")
    ACCEPTED = "accepted", pgettext_lazy("fault status", "accepted")
    IN_PROGRESS = "in_progress", pgettext_lazy("fault status", "in progress")
    RESOLVED = "resolved", pgettext_lazy("fault status", "resolved")
    REJECTED = "rejected", pgettext_lazy("fault status", "rejected")


OPEN_STATUSES = (Status.NEW, Status.ACCEPTED, Status.IN_PROGRESS)


class Place(models.TextChoices):
    PREMISES = "premises", _("my premises")
    STAIRCASE = "staircase", _("staircase")
    ROOF = "roof", _("roof")
    LIFT = "lift", _("lift")
    BASEMENT = "basement", _("basement")
    FACADE = "facade", _("facade")
    YARD = "yard", _("yard")
    OTHER_COMMON = "other_common", _("other common part of the building")


class Category(models.TextChoices):
    WATER = "water", _("water and sewage")
    HEATING = "heating", _("heating")
    ELECTRICAL = "electrical", _("electrical")
    GAS = "gas", _("gas")
    LIFT = "lift", _("lift")
    ROOF = "roof", _("roof")
    WINDOWS_DOORS = "windows_doors", _("windows and doors")
    OTHER = "other", _("other")


class Channel(models.TextChoices):
    """How the report reached the office: from the portal, or recorded by a clerk."""

    PORTAL = "portal", _("portal")
    PHONE = "phone", _("by phone")
    OFFICE = "office", _("at the office")


class FaultReport(OutboxEmail):
    class EmailStatus(models.TextChoices):
        # The duty e-mail of an urgent report; the names are those core.outbox works on.
        NOT_APPLICABLE = "", _("not applicable")
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="fault_reports",
    )
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="+"
    )
    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("place"), max_length=20, choices=Place.choices)
    premises = models.ForeignKey(
        Premises,
        verbose_name=_("premises"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for a common part of the building."),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), max_length=5000)
    contact_phone = models.CharField(
        _("contact phone"),
        max_length=9,
        validators=[RegexValidator(r"^[0-9]{9}$", _("A phone number has 9 digits."))],
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    channel = models.CharField(
        pgettext_lazy("fault report", "channel"),
        max_length=10,
        choices=Channel.choices,
        default=Channel.PORTAL,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The clerk who recorded a report made by phone or at the office."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    reject_reason = models.CharField(_("reason for rejection"), max_length=1000, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned clerk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_fault_reports",
        limit_choices_to={"is_staff": True},
    )
    contractor = models.CharField(_("contractor"), max_length=200, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed fixed by the resident"), null=True, blank=True)
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    # The form's one-time token: a second submit of the same form finds the first report.
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    email_status = models.CharField(
        _("duty e-mail"), max_length=10, choices=EmailStatus.choices, blank=True, default=""
    )
    email_sent_at = models.DateTimeField(_("duty e-mail sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("fault report")
        verbose_name_plural = _("fault reports")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="one_fault_report_per_form",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""),
                name="fault_rejected_has_reason",
            ),
            models.CheckConstraint(
                condition=(Q(place="premises") & Q(premises__isnull=False))
                | (~Q(place="premises") & Q(premises__isnull=True)),
                name="fault_premises_only_for_premises_place",
            ),
            models.CheckConstraint(
                condition=~Q(category="gas") | Q(urgent=True), name="fault_gas_is_urgent"
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(status="resolved"),
                name="fault_confirmed_only_resolved",
            ),
            models.CheckConstraint(
                condition=Q(contact_phone__regex=r"^[0-9]{9}$"), name="fault_phone_digits"
            ),
            models.CheckConstraint(
                condition=Q(channel="portal", recorded_by__isnull=True)
                | (~Q(channel="portal") & Q(recorded_by__isnull=False)),
                name="fault_recorded_by_clerk_off_portal",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="fault_status_created"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.title}"

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def is_common_part(self):
        return self.place != Place.PREMISES

    @property
    def place_display(self):
        if self.premises_id:
            return str(self.premises)
        return f"{self.building.street} — {self.get_place_display()}"

    def audit_resident(self):
        return first_resident(self.reporter, self.account, self.premises)


def photo_path(instance, filename):
    # Random and unguessable; never the uploaded name.
    return f"faults/photos/{uuid.uuid4().hex}.jpg"


class FaultPhoto(models.Model):
    report = models.ForeignKey(
        FaultReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField(_("photo"), upload_to=photo_path)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("fault photo")
        verbose_name_plural = _("fault photos")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.report_id}: {self.pk}"

    def audit_resident(self):
        return first_resident(self.report)


class FaultEvent(models.Model):
    """One entry of a report's timeline. Never edited: a correction is a new entry."""

    class Kind(models.TextChoices):
        REPORTED = "reported", _("reported")
        STATUS = "status", _("status changed")
        PUBLIC_COMMENT = "public_comment", _("comment from the office")
        INTERNAL_NOTE = "internal_note", _("internal note")
        RESIDENT_COMMENT = "resident_comment", _("comment from the resident")
        PHOTO_ADDED = "photo_added", _("photo added")
        ASSIGNED = "assigned", _("assigned")
        REOPENED = "reopened", _("reopened by the resident")
        CONFIRMED = "confirmed", _("confirmed fixed by the resident")

    report = models.ForeignKey(
        FaultReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    old_status = models.CharField(
        _("old status"), max_length=20, choices=Status.choices, blank=True
    )
    new_status = models.CharField(
        _("new status"), max_length=20, choices=Status.choices, blank=True
    )
    text = models.TextField(_("text"), max_length=5000, blank=True)
    photo = models.ForeignKey(
        FaultPhoto,
        verbose_name=_("photo"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    public = models.BooleanField(_("shown to the resident"), default=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("fault report event")
        verbose_name_plural = _("fault report events")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["internal_note", "assigned"]) | Q(public=False),
                name="fault_event_internal_is_private",
            ),
            models.CheckConstraint(
                condition=~Q(kind="status") | (~Q(old_status="") & ~Q(new_status="")),
                name="fault_event_status_has_both",
            ),
        ]

    def __str__(self):
        return f"{self.report_id}: {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("A fault report event is never changed.")
        super().save(*args, **kwargs)

    def audit_resident(self):
        return first_resident(self.author, self.report)
