"""Water meters of a premises, their readings and the periods when readings are collected.
A posted reading is never edited: staff correct one with a new reading that points at it."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Building, Community, Premises
from audit.subjects import first_resident

VOLUME = {"max_digits": 12, "decimal_places": 3}  # m³, to the litre


class Meter(models.Model):
    class Kind(models.TextChoices):
        COLD = "cold", _("cold water")
        HOT = "hot", _("hot water")

    premises = models.ForeignKey(
        Premises, verbose_name=_("premises"), on_delete=models.PROTECT, related_name="meters"
    )
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    serial_number = models.CharField(_("serial number"), max_length=40, unique=True)
    installed_on = models.DateField(_("installed on"))
    legalisation_expires_on = models.DateField(_("legalisation expires on"))
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    replaced_by = models.OneToOneField(
        "self",
        verbose_name=_("replaced by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
    )

    class Meta:
        verbose_name = _("water meter")
        verbose_name_plural = _("water meters")
        ordering = ["premises", "kind", "installed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True) | Q(removed_on__gte=F("installed_on")),
                name="meter_removed_after_installed",
            ),
            models.CheckConstraint(
                condition=Q(legalisation_expires_on__gt=F("installed_on")),
                name="meter_legalisation_after_installed",
            ),
            models.CheckConstraint(
                condition=Q(replaced_by__isnull=True) | Q(removed_on__isnull=False),
                name="meter_replaced_is_removed",
            ),
            models.CheckConstraint(
                condition=~Q(replaced_by=F("pk")), name="meter_not_replaced_by_itself"
            ),
        ]

    def __str__(self):
        return f"{self.serial_number} ({self.get_kind_display()})"

    @property
    def is_active(self):
        return self.removed_on is None

    @property
    def legalisation_expired(self):
        return self.is_active and self.legalisation_expires_on < timezone.localdate()

    def audit_resident(self):
        return first_resident(self.premises)


class ReadingQuerySet(models.QuerySet["Reading"]):
    def effective(self) -> "ReadingQuerySet":
        """Readings that count: a corrected one is replaced by its correction, a withdrawn one
        counts no more."""
        return self.exclude(status__in=Reading.NOT_COUNTED)


def photo_path(instance, filename):
    # Random and unguessable; never the uploaded name.
    return f"meters/photos/{uuid.uuid4().hex}.jpg"


class Reading(models.Model):
    class Source(models.TextChoices):
        RESIDENT = "resident", _("resident")
        STAFF = "staff", _("staff")

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        FLAGGED = "flagged", _("flagged for review")
        CORRECTED = "corrected", _("corrected")
        WITHDRAWN = "withdrawn", _("withdrawn by the resident")

    meter = models.ForeignKey(
        Meter, verbose_name=_("meter"), on_delete=models.PROTECT, related_name="readings"
    )
    value = models.DecimalField(_("reading (m³)"), **VOLUME)
    read_on = models.DateField(_("read on"))
    photo = models.FileField(_("photo"), upload_to=photo_path, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACCEPTED
    )
    flag_reason = models.CharField(_("why flagged"), max_length=300, blank=True)
    confirmed_by_resident = models.BooleanField(_("confirmed by the resident"), default=False)
    correction_of = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    NOT_COUNTED = (Status.CORRECTED, Status.WITHDRAWN)

    objects = ReadingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meter reading")
        verbose_name_plural = _("meter readings")
        ordering = ["meter", "read_on", "created_at"]
        constraints = [
            # A second submit of the same form (one-time token) finds the first reading.
            models.UniqueConstraint(
                fields=["meter", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="one_reading_per_form",
            ),
            # One counted reading per meter and day; withdrawn and corrected ones stay on record.
            models.UniqueConstraint(
                fields=["meter", "read_on"],
                condition=Q(status__in=["accepted", "flagged"]),
                name="one_counted_reading_a_day",
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="reading_not_negative"),
            models.CheckConstraint(
                condition=~Q(status="flagged") | ~Q(flag_reason=""),
                name="reading_flag_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(correction_of__isnull=True) | (Q(source="staff") & ~Q(reason="")),
                name="reading_correction_by_staff_with_reason",
            ),
        ]
        # a meter's history newest first, in the order the pages read it
        indexes = [
            models.Index(fields=["meter", "-read_on", "-created_at"], name="reading_meter_history")
        ]

    def __str__(self):
        return f"{self.meter.serial_number}: {self.value} m³ ({self.read_on:%d.%m.%Y})"

    def audit_resident(self):
        return first_resident(self.submitted_by, self.meter)


class ReadingEvent(models.Model):
    """The audit trail: who did what to a reading, when, with the old and new values."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("submitted by the resident")
        ENTERED = "entered", _("entered by staff")
        ACCEPTED = "accepted", _("accepted by staff")
        CORRECTED = "corrected", _("corrected by staff")
        WITHDRAWN = "withdrawn", _("withdrawn by the resident")
        REPLACED = "replaced", _("replaced by the resident's next reading of the day")

    reading = models.ForeignKey(
        Reading, verbose_name=_("reading"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("reading event")
        verbose_name_plural = _("reading events")
        ordering = ["at"]

    def __str__(self):
        return f"{self.reading_id}: {self.get_action_display()}"

    def audit_resident(self):
        return first_resident(self.reading)


class ReadingWindowQuerySet(models.QuerySet):
    def for_premises(self, premises):
        return self.for_building(premises.building)

    def for_building(self, building):
        return self.filter(
            (Q(community__isnull=True) & Q(building__isnull=True))
            | Q(building_id=building.pk)
            | (Q(community_id=building.community_id) if building.community_id else Q(pk__in=[]))
        )


class ReadingWindow(models.Model):
    """A period when residents submit readings: for everyone, a community or a building."""

    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    community = models.ForeignKey(
        Community,
        verbose_name=_("housing community"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    building = models.ForeignKey(
        Building,
        verbose_name=_("building"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave the community and the building empty for a window for everyone."),
    )

    objects = ReadingWindowQuerySet.as_manager()

    class Meta:
        verbose_name = _("reading window")
        verbose_name_plural = _("reading windows")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="window_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(community__isnull=True) | Q(building__isnull=True),
                name="window_community_or_building",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y})"

    def is_open(self, on):
        return self.starts_on <= on <= self.ends_on


class ReadingReminder(models.Model):
    """That a user was reminded of a window once: the durable marker against a second reminder."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    window = models.ForeignKey(ReadingWindow, on_delete=models.CASCADE, related_name="reminders")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reading reminder")
        verbose_name_plural = _("reading reminders")
        constraints = [
            models.UniqueConstraint(fields=["user", "window"], name="one_reminder_per_window")
        ]

    def __str__(self):
        return f"{self.user_id} → {self.window_id}"

    def audit_resident(self):
        return first_resident(self.user)
