"""A resident's "my data" export (RODO art. 15 and 20): a ZIP built by a worker, kept for a
few days, downloadable by its owner only."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.subjects import first_resident


def export_upload_to(instance, filename):
    return f"exports/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.zip"


class DataExport(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("being prepared")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")
        EXPIRED = "expired", _("deleted after the time limit")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="data_exports",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("available until"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=export_upload_to, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("personal data export")
        verbose_name_plural = _("personal data exports")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["status", "requested_at"], name="export_queue")]

    def __str__(self):
        return f"{self.user} ({self.requested_at:%Y-%m-%d %H:%M})"

    @property
    def is_ready(self):
        return (
            self.status == self.Status.DONE
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )

    @property
    def in_progress(self):
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

    def audit_resident(self):
        return first_resident(self.user)


