"""A resident's PDF account statement (zestawienie rozliczeń konta), drawn by a worker: the
request stores a row and queues the render; the row names the account, who asked, the year (or
the whole history), the day and the ledger version it shows. Imported by billing.models."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from audit.subjects import first_resident
from core.pdf_jobs import PdfStatus


def statement_pdf_upload_to(instance, filename):
    return f"statements/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.pdf"


class StatementPdf(models.Model):
    PdfStatus = PdfStatus

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)  # None: all years
    as_of = models.DateField(_("as of"))  # the day whose balance and overdue items it shows
    # LedgerTotal's changes:charged:paid when requested: any posting moves it.
    ledger_version = models.CharField(max_length=80, editable=False)
    language = models.CharField(max_length=10, editable=False)
    issued_at = models.DateTimeField(_("requested at"), default=timezone.now)
    pdf_status = models.CharField(
        _("PDF"), max_length=10, choices=PdfStatus.choices, default=PdfStatus.PENDING
    )
    pdf_file = models.FileField(_("PDF file"), upload_to=statement_pdf_upload_to, blank=True)
    pdf_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    pdf_error = models.TextField(_("PDF error"), blank=True)

    class Meta:
        verbose_name = _("account statement PDF")
        verbose_name_plural = _("account statement PDFs")
        ordering = ["-issued_at", "-pk"]
        indexes = [
            models.Index(fields=["pdf_status", "pdf_claimed_at"], name="statement_pdf_queue"),
            models.Index(fields=["account", "requested_by", "as_of"], name="statement_pdf_reuse"),
            models.Index(fields=["issued_at"], name="statement_pdf_age"),
        ]

    def __str__(self):
        return f"{self.account_id} {self.year or '*'} ({self.issued_at:%Y-%m-%d %H:%M})"

    @property
    def in_progress(self) -> bool:
        return self.pdf_status in (self.PdfStatus.PENDING, self.PdfStatus.RENDERING)

    def audit_resident(self):
        return first_resident(self.requested_by, self.account)
