"""Markers of what residents were told about their charges, once each."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from audit.subjects import first_resident


class BillingNotice(models.Model):
    """That an account's people were told something once: the durable marker that keeps a
    retried task or a second run from telling them twice."""

    class Kind(models.TextChoices):
        CHARGES_POSTED = "posted", _("new charges posted")
        DUE_REMINDER = "reminder", _("payment reminder")

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    day = models.DateField(_("month or due date"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("billing notice")
        verbose_name_plural = _("billing notices")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "kind", "day"], name="one_billing_notice_per_account_day"
            )
        ]

    def __str__(self):
        return f"{self.account_id}: {self.get_kind_display()} {self.day:%d.%m.%Y}"

    def audit_resident(self):
        return first_resident(self.account)
