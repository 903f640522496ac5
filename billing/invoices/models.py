"""Invoices (faktury VAT) of commercial leases: numbered without gaps, immutable snapshots."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, NIPField, NRBField
from audit.subjects import first_resident
from billing.ledger.models import Charge, VatRate
from core.money import MONEY
from core.pdf_jobs import PdfStatus


class InvoiceCounter(models.Model):
    """The last number a seller gave in one series and month. Each taxpayer numbers its own
    invoices (art. 106e ust. 1 pkt 2): the manager and every community by its NIP. Issuing
    locks this row (SELECT … FOR UPDATE) and takes the next number in the same transaction, so
    numbers have no gaps and no duplicates even when several workers issue at once."""

    seller_nip = NIPField(_("seller's NIP"))
    series = models.CharField(_("series"), max_length=10)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("invoice number counter")
        verbose_name_plural = _("invoice number counters")
        constraints = [
            models.UniqueConstraint(
                fields=["seller_nip", "series", "year", "month"],
                name="one_invoice_counter_per_seller_series_month",
            )
        ]

    def __str__(self):
        return f"{self.seller_nip} {self.series}/{self.year}/{self.month:02d}: {self.last_number}"


def invoice_pdf_upload_to(instance, filename):
    return f"invoices/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.pdf"


class Invoice(models.Model):
    """A VAT invoice (faktura) or a correcting invoice (faktura korygująca): an immutable
    snapshot of everything art. 106e of the VAT act requires, taken when it is issued. A
    settlement invoice bills what a water settlement found beyond the advances invoiced."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("invoice")
        SETTLEMENT = "settlement", _("settlement invoice")
        CORRECTION = "correction", _("correcting invoice")

    PdfStatus = PdfStatus

    class PaymentMethod(models.TextChoices):
        TRANSFER = "transfer", _("bank transfer")

    class KsefStatus(models.TextChoices):
        OFF = "off", _("not sent: KSeF is switched off")
        SELLER = "seller", _("not sent to KSeF: the community issues its own")
        INVALID = "invalid", _("does not match the FA(3) schema")
        QUEUED = "queued", _("waiting to be sent")
        SENT = "sent", _("sent, waiting for the KSeF number")
        ACCEPTED = "accepted", _("accepted by KSeF")
        REJECTED = "rejected", _("rejected by KSeF")
        OFFLINE = "offline", _("issued offline, waiting to be sent")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.INVOICE)
    series = models.CharField(_("series"), max_length=10)
    sequence = models.PositiveIntegerField(_("number in the series and month"))
    number = models.CharField(_("number"), max_length=40)
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="invoices"
    )
    period = models.DateField(_("month"), help_text=_("The first day of the month invoiced."))
    issue_date = models.DateField(_("issue date"))
    sale_date = models.DateField(_("sale date"))
    due_date = models.DateField(_("payment due date"))
    payment_method = models.CharField(
        _("payment method"),
        max_length=10,
        choices=PaymentMethod.choices,
        default=PaymentMethod.TRANSFER,
    )
    seller_name = models.CharField(_("seller"), max_length=200)
    seller_address = models.CharField(_("seller's address"), max_length=300)
    seller_nip = NIPField(_("seller's NIP"))
    bank_account = NRBField(_("bank account (NRB)"))
    buyer_name = models.CharField(_("buyer"), max_length=200)
    buyer_address = models.CharField(_("buyer's address"), max_length=300)
    buyer_nip = NIPField(_("buyer's NIP"), blank=True)
    exemption_basis = models.CharField(
        _("legal basis of the exemption"), max_length=256, blank=True
    )
    net_total = models.DecimalField(_("net total (zł)"), **MONEY)
    vat_total = models.DecimalField(_("VAT total (zł)"), **MONEY)
    gross_total = models.DecimalField(_("total due (zł)"), **MONEY)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    correction_reason = models.CharField(_("reason for the correction"), max_length=500, blank=True)
    ksef_number = models.CharField(_("KSeF number"), max_length=35, blank=True)
    ksef_status = models.CharField(
        _("KSeF status"), max_length=10, choices=KsefStatus.choices, default=KsefStatus.QUEUED
    )
    ksef_error = models.TextField(_("KSeF error"), blank=True)
    ksef_session = models.CharField(_("KSeF session"), max_length=64, blank=True)
    ksef_reference = models.CharField(_("KSeF reference number"), max_length=64, blank=True)
    ksef_attempts = models.PositiveSmallIntegerField(_("sending attempts"), default=0)
    ksef_claimed_at = models.DateTimeField(_("sending started at"), null=True, blank=True)
    ksef_sent_at = models.DateTimeField(_("sent to KSeF at"), null=True, blank=True)
    ksef_accepted_at = models.DateTimeField(_("accepted by KSeF at"), null=True, blank=True)
    offline_until = models.DateField(
        _("to be sent to KSeF by"),
        null=True,
        blank=True,
        help_text=_("An invoice issued offline must reach KSeF by this day."),
    )
    offline_code_url = models.CharField(
        _("certificate verification link (KOD II)"), max_length=600, blank=True
    )
    pdf_status = models.CharField(
        _("PDF"), max_length=10, choices=PdfStatus.choices, default=PdfStatus.PENDING
    )
    pdf_file = models.FileField(_("PDF file"), upload_to=invoice_pdf_upload_to, blank=True)
    pdf_claimed_at = models.DateTimeField(_("PDF rendering started at"), null=True, blank=True)
    pdf_error = models.TextField(_("PDF error"), blank=True)
    notified_at = models.DateTimeField(_("tenant notified at"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issue_date", "-pk"]
        constraints = [
            # A number is unique in its seller's series: a community numbers its own.
            models.UniqueConstraint(
                fields=["seller_nip", "series", "number"], name="invoice_unique_seller_number"
            ),
            # Issuing is idempotent: one invoice per account and month; later changes are
            # correcting invoices.
            models.UniqueConstraint(
                fields=["account", "period"],
                condition=Q(kind="invoice"),
                name="one_invoice_per_account_month",
            ),
            models.CheckConstraint(
                condition=(Q(kind__in=["invoice", "settlement"]) & Q(corrects__isnull=True))
                | (Q(kind="correction") & Q(corrects__isnull=False) & ~Q(correction_reason="")),
                name="invoice_correction_refers_and_has_reason",
            ),
            models.CheckConstraint(condition=Q(period__day=1), name="invoice_period_first_day"),
        ]
        indexes = [
            models.Index(fields=["pdf_status", "pdf_claimed_at"], name="invoice_pdf_queue"),
            models.Index(fields=["ksef_status", "ksef_claimed_at"], name="invoice_ksef_queue"),
        ]

    def __str__(self):
        return self.number

    @property
    def is_correction(self):
        return self.kind == self.Kind.CORRECTION

    @property
    def is_refund(self):
        """A correction that gives money back: no payment is asked for."""
        return self.gross_total < 0

    @property
    def payable(self):
        return self.gross_total > 0

    @property
    def refund(self):
        """What a refund correction gives back, as a positive amount."""
        return -self.gross_total if self.is_refund else None

    def audit_resident(self):
        return first_resident(self.account)


class InvoiceXml(models.Model):
    """The invoice's FA(3) document, byte for byte as sent to KSeF, with its SHA-256 (the
    verification code on the PDF is built from it) and the UPO receipt KSeF gave back."""

    invoice = models.OneToOneField(
        Invoice,
        verbose_name=_("invoice"),
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="fa3",
    )
    xml = models.BinaryField(_("FA(3) XML"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    built_at = models.DateTimeField(_("built at"), default=timezone.now)
    upo = models.BinaryField(_("UPO receipt"), null=True, blank=True)

    class Meta:
        verbose_name = _("FA(3) document")
        verbose_name_plural = _("FA(3) documents")

    def __str__(self):
        return f"{self.invoice_id}: {self.sha256[:12]}"

    def audit_resident(self):
        return first_resident(self.invoice)


class InvoiceLine(models.Model):
    """A line of an invoice. On a correcting invoice each line is either the state before the
    correction or after it."""

    class State(models.TextChoices):
        LINE = "line", _("line")
        BEFORE = "before", _("before the correction")
        AFTER = "after", _("after the correction")

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="lines"
    )
    state = models.CharField(_("state"), max_length=6, choices=State.choices, default=State.LINE)
    position = models.PositiveSmallIntegerField(_("no."))
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=10)
    # As many decimal places as quantity × price = net needs (billing/invoices/vat.py).
    unit_net_price = models.DecimalField(_("unit net price (zł)"), max_digits=20, decimal_places=8)
    net_value = models.DecimalField(_("net value (zł)"), **MONEY)
    vat_rate = models.CharField(_("VAT rate"), max_length=2, choices=VatRate.choices)
    vat_amount = models.DecimalField(_("VAT (zł)"), **MONEY)
    gross_value = models.DecimalField(_("gross value (zł)"), **MONEY)
    # The gross value less the amount asked for the line: −0,01 where the rate's total could
    # not be reached with VAT on the net (billing/invoices/vat.py); posted to the ledger.
    rounding = models.DecimalField(_("VAT rounding (zł)"), default=0, **MONEY)
    charge = models.ForeignKey(
        Charge,
        verbose_name=_("charge"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoice_lines",
    )

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "state", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "state", "position"], name="invoice_line_unique_position"
            )
        ]

    def __str__(self):
        return f"{self.position}. {self.description}"

    def audit_resident(self):
        return first_resident(self.invoice)


class InvoiceRateTotal(models.Model):
    """Net, VAT and gross of one VAT rate on an invoice (art. 106e ust. 1 pkt 13–14); on a
    correcting invoice also before, after and the difference."""

    class State(models.TextChoices):
        TOTAL = "total", _("total")
        BEFORE = "before", _("before the correction")
        AFTER = "after", _("after the correction")
        DIFFERENCE = "difference", _("difference")

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="rate_totals"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="total")
    vat_rate = models.CharField(_("VAT rate"), max_length=2, choices=VatRate.choices)
    net = models.DecimalField(_("net (zł)"), **MONEY)
    vat = models.DecimalField(_("VAT (zł)"), **MONEY)
    gross = models.DecimalField(_("gross (zł)"), **MONEY)

    class Meta:
        verbose_name = _("invoice total per VAT rate")
        verbose_name_plural = _("invoice totals per VAT rate")
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "state", "vat_rate"], name="invoice_rate_total_unique"
            )
        ]

    def __str__(self):
        return f"{self.invoice_id} {self.vat_rate}: {self.gross}"

    def audit_resident(self):
        return first_resident(self.invoice)


