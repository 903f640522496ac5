"""Water and sewage settlement: tariffs, each building's settlement plan, a settlement run per
building and period, and one settlement document per account (billing/water/consumption.py
computes it; services.py posts it)."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, Building, Community
from audit.subjects import first_resident
from billing.invoices.models import Invoice
from billing.ledger.models import Charge, Component, Payment
from core.jobs import Job
from core.money import MONEY
from meters.models import VOLUME

PRICE = {"max_digits": 10, "decimal_places": 4}


class WaterTariff(models.Model):
    """The water company's prices per m³ (net), in force from a day until the next one."""

    valid_from = models.DateField(_("valid from"), unique=True)
    water_price = models.DecimalField(_("water (zł per m³, net)"), **PRICE)
    sewage_price = models.DecimalField(_("sewage (zł per m³, net)"), **PRICE)
    source = models.CharField(
        _("source"), max_length=200, blank=True, help_text=_("E.g. the tariff's resolution.")
    )

    class Meta:
        verbose_name = _("water tariff")
        verbose_name_plural = _("water tariffs")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(water_price__gte=0) & Q(sewage_price__gte=0),
                name="water_tariff_not_negative",
            )
        ]

    def __str__(self):
        return f"{self.valid_from:%d.%m.%Y}: {self.water_price} + {self.sewage_price} zł/m³"


class SettlementPlan(models.Model):
    """How a building settles water: periods of 6 or 12 months from a first day, and which fee
    components are the advances set against the measured use."""

    class Months(models.IntegerChoices):
        HALF_YEAR = 6, _("half-years")
        YEAR = 12, _("years")

    building = models.OneToOneField(
        Building,
        verbose_name=_("building"),
        on_delete=models.PROTECT,
        related_name="water_plan",
    )
    months = models.PositiveSmallIntegerField(
        _("settlement period"), choices=Months.choices, default=Months.HALF_YEAR
    )
    first_day = models.DateField(
        _("first day of the first period"), help_text=_("E.g. 1 January 2026.")
    )
    advance_components = models.ManyToManyField(
        Component,
        verbose_name=_("advance components"),
        related_name="+",
        help_text=_("The fee components whose charges are advances for water and sewage."),
    )
    due_days = models.PositiveSmallIntegerField(
        _("days to pay an underpayment"), default=14
    )

    class Meta:
        verbose_name = _("water settlement plan")
        verbose_name_plural = _("water settlement plans")

    def __str__(self):
        return str(self.building)


class SettlementRun(models.Model):
    """One building's settlement for one period: previewed first, then posted."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("preview")
        POSTED = "posted", _("posted")

    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("last day"))
    # A move-out settlement: this account only, up to its last day, from its final reading.
    account = models.ForeignKey(
        Account,
        verbose_name=_("moving-out account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREVIEW
    )
    advances_from = models.DateField(
        _("new advances from"),
        null=True,
        blank=True,
        help_text=_("The first day of the month the new advances apply from; empty: none."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The last preview job's lines as CSV (billing/water/preview_csv.py), for the download.
    preview_csv = models.FileField(
        _("preview CSV"), upload_to="water/previews/%Y/%m/", blank=True
    )
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("water settlement run")
        verbose_name_plural = _("water settlement runs")
        ordering = ["-period_end", "building"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "period_start"],
                condition=Q(account__isnull=True),
                name="one_water_run_per_building_period",
            ),
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(account__isnull=False),
                name="one_water_move_out_run_per_account",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="water_run_period"
            ),
            models.CheckConstraint(
                condition=Q(advances_from__isnull=True) | Q(advances_from__day=1),
                name="water_run_advances_first_day",
            ),
        ]

    def __str__(self):
        period = f"{self.period_start:%d.%m.%Y}–{self.period_end:%d.%m.%Y}"
        if self.account_id:
            return f"{self.building}: {period} ({self.account})"
        return f"{self.building}: {period}"


def settlement_pdf_upload_to(instance, filename):
    return f"water/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.pdf"


class Settlement(models.Model):
    """The settlement document of one account (rozliczenie wody): an immutable snapshot of the
    meters, tariff parts, advances and the difference posted to the ledger. A correction is a
    new document that reverses this one's posting and posts its own."""


    run = models.ForeignKey(
        SettlementRun, verbose_name=_("run"), on_delete=models.PROTECT, related_name="settlements"
    )
    account = models.ForeignKey(
        Account,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="water_settlements",
    )
    number = models.CharField(_("number"), max_length=30, unique=True)
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("last day"))
    meters = models.JSONField(_("meters"), default=list)
    parts = models.JSONField(_("tariff parts"), default=list)
    used = models.DecimalField(_("use (m³)"), **VOLUME)
    estimated = models.BooleanField(_("includes an estimate"), default=False)
    unlegalised = models.BooleanField(_("includes an unlegalised meter"), default=False)
    vat_rate = models.CharField(_("VAT rate"), max_length=2)
    net = models.DecimalField(_("net (zł)"), **MONEY)
    vat = models.DecimalField(_("VAT (zł)"), **MONEY)
    gross = models.DecimalField(_("cost (zł)"), **MONEY)
    advances = models.DecimalField(_("advances charged (zł)"), **MONEY)
    difference = models.DecimalField(
        _("difference (zł)"), **MONEY, help_text=_("Above zero: to pay; below: credited.")
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    daily_use = models.DecimalField(_("use a day (m³)"), max_digits=10, decimal_places=4)
    new_advance = models.DecimalField(
        _("new monthly advance (zł)"), **MONEY, null=True, blank=True
    )
    charge = models.OneToOneField(
        Charge,
        verbose_name=_("charge"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="water_settlement",
    )
    credit = models.OneToOneField(
        Payment,
        verbose_name=_("credit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="water_settlement",
    )
    corrects = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    # A commercial lease's settlement is invoiced: an invoice for what it owes beyond the
    # advances, or corrections of the advances' invoices for what it overpaid.
    invoices = models.ManyToManyField(
        Invoice, verbose_name=_("invoices"), blank=True, related_name="water_settlements"
    )
    # The PDF, rendered once by a worker (core/pdf_jobs.py).
    pdf_status = models.CharField(
        _("PDF"),
        max_length=10,
        choices=Invoice.PdfStatus.choices,
        default=Invoice.PdfStatus.PENDING,
    )
    pdf_file = models.FileField(_("PDF file"), upload_to=settlement_pdf_upload_to, blank=True)
    pdf_claimed_at = models.DateTimeField(_("PDF rendering started at"), null=True, blank=True)
    pdf_error = models.TextField(_("PDF error"), blank=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        verbose_name = _("water settlement")
        verbose_name_plural = _("water settlements")
        ordering = ["-period_end", "account__number", "pk"]
        constraints = [
            # Posting twice posts once: one original document per run and account.
            models.UniqueConstraint(
                fields=["run", "account"],
                condition=Q(corrects__isnull=True),
                name="one_water_settlement_per_run_account",
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(reason=""),
                name="water_correction_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "-period_end"], name="water_account_period"),
            models.Index(fields=["pdf_status", "pdf_claimed_at"], name="water_pdf_queue"),
        ]

    def __str__(self):
        return self.number

    @property
    def overpaid(self):
        """What the settlement credited (0 when it found nothing overpaid)."""
        return max(-self.difference, Decimal("0.00"))

    @property
    def invoice_rounding(self):
        """The grosz the invoices' VAT on net took off the cost, posted to the ledger as a
        correction of a charge (billing/invoices/vat.py); 0 for an account not invoiced."""
        return self.gross - self.advances - self.difference

    @property
    def is_corrected(self):
        return hasattr(self, "correction")

    def audit_resident(self):
        return first_resident(self.account)


class PreviewLine(models.Model):
    """One account's line of a run's preview, as the last preview job computed it: the
    preview page and its CSV read these rows, not the readings."""

    run = models.ForeignKey(
        SettlementRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="lines"
    )
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="+"
    )
    used = models.DecimalField(_("use (m³)"), **VOLUME)
    estimated = models.BooleanField(_("includes an estimate"), default=False)
    unlegalised = models.BooleanField(_("includes an unlegalised meter"), default=False)
    net = models.DecimalField(_("net (zł)"), **MONEY)
    vat = models.DecimalField(_("VAT (zł)"), **MONEY)
    gross = models.DecimalField(_("cost (zł)"), **MONEY)
    advances = models.DecimalField(_("advances charged (zł)"), **MONEY)
    difference = models.DecimalField(_("difference (zł)"), **MONEY)
    new_advance = models.DecimalField(
        _("new monthly advance (zł)"), **MONEY, null=True, blank=True
    )
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("preview line")
        verbose_name_plural = _("preview lines")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "account"], name="one_preview_line_per_account")
        ]

    def __str__(self):
        return f"{self.run}: {self.account_id}"

    @property
    def to_pay(self) -> Decimal:
        """What the advances fell short of the cost by (0 when they covered it)."""
        return max(self.difference, Decimal("0.00"))

    @property
    def overpaid(self) -> Decimal:
        """What the advances paid above the cost (0 when they fell short)."""
        return max(-self.difference, Decimal("0.00"))

    def audit_resident(self):
        return first_resident(self.account)


class SettlementJob(Job):
    """A water settlement job done by a worker (core/jobs.py): the preview, the posting or the
    new advances of one run, of every building of a community or of every building at once,
    or the correction of one document."""

    class Kind(models.TextChoices):
        PREVIEW = "preview", _("preview")
        POST = "post", _("posting")
        ADVANCES = "advances", _("new advances")
        CORRECT = "correct", _("correction")

    class Scope(models.TextChoices):
        RUN = "run", _("one run")
        BUILDING = "building", _("one building")
        COMMUNITY = "community", _("a housing community")
        ALL = "all", _("every building")

    kind = models.CharField(_("job"), max_length=10, choices=Kind.choices)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    run = models.ForeignKey(
        SettlementRun, verbose_name=_("run"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="jobs",
    )
    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    community = models.ForeignKey(
        Community, verbose_name=_("housing community"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )
    day = models.DateField(_("a day of the period"), null=True, blank=True)
    from_month = models.DateField(_("new advances from"), null=True, blank=True)
    document = models.ForeignKey(
        Settlement, verbose_name=_("settlement corrected"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("water settlement job")
        verbose_name_plural = _("water settlement jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "created_at"], name="water_job_state")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.scope_label} ({self.get_state_display()})"

    @property
    def scope_label(self) -> str:
        if self.scope == self.Scope.RUN:
            return str(self.run)
        if self.scope == self.Scope.BUILDING:
            return str(self.building)
        if self.scope == self.Scope.COMMUNITY:
            return str(self.community)
        return str(_("every building"))
