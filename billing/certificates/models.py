"""Certificates of no arrears (zaświadczenie o niezaleganiu w opłatach): numbered gap-free per
year (ZN/2026/0001), a snapshot of the account at issue, a random verification code anyone can
check on a public page, a PDF rendered by a worker. Imported by billing.models."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from audit.subjects import first_resident
from core.pdf_jobs import PdfStatus

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper and typed
CODE_LENGTH = 16


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(value: str) -> str:
    return "".join(ch for ch in (value or "").upper() if ch not in " -")


def certificate_pdf_upload_to(instance, filename):
    return f"certificates/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.pdf"


class CertificateCounter(models.Model):
    """The last number given in a series and year; locked by the issuing transaction."""

    series = models.CharField(_("series"), max_length=10)
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("certificate number counter")
        verbose_name_plural = _("certificate number counters")
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="one_certificate_counter")
        ]

    def __str__(self):
        return f"{self.series}/{self.year}: {self.last_number}"


class Certificate(models.Model):
    PdfStatus = PdfStatus

    number = models.CharField(_("number"), max_length=30, unique=True)
    series = models.CharField(_("series"), max_length=10, editable=False)
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    sequence = models.PositiveIntegerField(_("sequence"), editable=False)
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="certificates"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    issued_on = models.DateField(_("issued on"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    # A snapshot: the certificate says what was true on the day it was issued.
    account_number = models.CharField(_("account number"), max_length=10)
    holder_name = models.CharField(_("holder"), max_length=200)
    premises_label = models.CharField(_("premises"), max_length=300)
    balance = models.DecimalField(_("balance on the day (zł)"), max_digits=12, decimal_places=2)
    verification_code = models.CharField(
        _("verification code"), max_length=CODE_LENGTH, unique=True, default=new_verification_code
    )
    pdf_status = models.CharField(
        _("PDF"), max_length=10, choices=PdfStatus.choices, default=PdfStatus.PENDING
    )
    pdf_file = models.FileField(_("PDF file"), upload_to=certificate_pdf_upload_to, blank=True)
    pdf_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    pdf_error = models.TextField(_("PDF error"), blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoke_reason = models.CharField(_("reason for revoking"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("certificate of no arrears")
        verbose_name_plural = _("certificates of no arrears")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "sequence"], name="certificate_unique_sequence"
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoke_reason=""),
                name="certificate_revoked_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["pdf_status", "pdf_claimed_at"], name="certificate_pdf_queue")
        ]

    def __str__(self):
        return self.number

    @property
    def is_valid(self):
        return self.revoked_at is None

    @property
    def code_display(self):
        code = self.verification_code
        return "-".join(code[i : i + 4] for i in range(0, len(code), 4))

    def audit_resident(self):
        return first_resident(self.requested_by, self.account)


