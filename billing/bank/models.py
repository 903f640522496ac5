"""Bank statements uploaded by staff and their lines, matched to accounts and booked as
payments."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from audit.subjects import first_resident
from core.money import MONEY


def statement_upload_to(instance, filename):
    return f"statements/{timezone.now():%Y/%m}/{secrets.token_hex(16)}"


class StatementImport(models.Model):
    """An uploaded bank statement and the job that books its lines."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("importing")
        DONE = "done", _("done")
        ERROR = "error", _("error")

    file = models.FileField(_("file"), upload_to=statement_upload_to)
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=20, blank=True)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    lines_total = models.PositiveIntegerField(_("lines"), default=0)
    lines_done = models.PositiveIntegerField(_("lines processed"), default=0)
    lines_new = models.PositiveIntegerField(_("new lines"), default=0)
    lines_duplicate = models.PositiveIntegerField(_("lines already imported"), default=0)
    lines_matched = models.PositiveIntegerField(_("lines matched"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("bank statement import")
        verbose_name_plural = _("bank statement imports")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"{self.original_name} ({self.uploaded_at:%Y-%m-%d %H:%M})"


class StatementLine(models.Model):
    """One incoming transfer from a bank statement; unique by the bank's own transaction id."""

    class Status(models.TextChoices):
        MATCHED = "matched", _("booked to an account")
        UNMATCHED = "unmatched", _("waiting for a clerk")
        IGNORED = "ignored", _("not a payment (ignored)")

    class MatchedBy(models.TextChoices):
        NONE = "", _("not matched")
        VIRTUAL_ACCOUNT = "virtual", _("virtual account number")
        TITLE = "title", _("account number in the title")
        CLERK = "clerk", _("by a clerk")

    statement = models.ForeignKey(
        StatementImport,
        verbose_name=_("statement"),
        on_delete=models.PROTECT,
        related_name="lines",
    )
    checksum = models.CharField(_("checksum"), max_length=64, unique=True)
    bank_reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    booked_on = models.DateField(_("booked on"))
    amount = models.DecimalField(_("amount (zł)"), **MONEY)
    title = models.CharField(_("title"), max_length=500, blank=True)
    counterparty_name = models.CharField(_("payer"), max_length=300, blank=True)
    counterparty_account = models.CharField(_("payer's account"), max_length=34, blank=True)
    virtual_account = models.CharField(_("credited account"), max_length=34, blank=True)
    account = models.ForeignKey(
        Account,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statement_lines",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    matched_by = models.CharField(
        _("matched by"), max_length=10, choices=MatchedBy.choices, blank=True, default=""
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    ignore_reason = models.CharField(_("why it is not a payment"), max_length=300, blank=True)
    bank_account = models.CharField(
        _("received on bank account"),
        max_length=34,
        blank=True,
        help_text=_("The statement's own account: whose money the transfer is."),
    )
    hold_reason = models.CharField(
        _("why it waits for a clerk"),
        max_length=300,
        blank=True,
        help_text=_("Set when the import did not book a line it could have matched."),
    )

    class Meta:
        verbose_name = _("bank statement line")
        verbose_name_plural = _("bank statement lines")
        ordering = ["booked_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="matched", account__isnull=False) | ~Q(status="matched"),
                name="statement_line_matched_has_account",
            ),
            models.CheckConstraint(
                condition=~Q(status="ignored") | ~Q(ignore_reason=""),
                name="statement_line_ignored_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "booked_on"], name="statement_line_queue"),
            models.Index(fields=["booked_on"], name="statement_line_booked_on"),
        ]

    def __str__(self):
        return f"{self.booked_on:%d.%m.%Y} {self.amount} zł — {self.title[:40]}"

    def audit_resident(self):
        return first_resident(self.account)


