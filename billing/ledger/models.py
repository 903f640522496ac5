"""The ledger: fee components and schedules, payment terms, charge runs, charges (naliczenia),
payments (wpłaty) and interest rates. Posted money is never edited: a correction is a new row."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from audit.subjects import first_resident
from core.money import MONEY, money
from core.stored_text import Names, render


class VatRate(models.TextChoices):
    EXEMPT = "zw", _("exempt")
    ZERO = "0", "0%"
    FIVE = "5", "5%"
    EIGHT = "8", "8%"
    STANDARD = "23", "23%"
    NOT_SUBJECT = "np", _("not subject to VAT")


class Component(models.Model):
    """A kind of fee (składnik opłat): rent, water and sewage advance, heating, waste, …"""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(
        _("name in English"),
        max_length=100,
        blank=True,
        help_text=_("Shown to residents who read e-BOK in English; empty: the Polish name."),
    )
    order = models.PositiveSmallIntegerField(_("order on statements"), default=0)

    class Meta:
        verbose_name = _("fee component")
        verbose_name_plural = _("fee components")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    @property
    def names(self) -> Names:
        return Names(pl=self.name, en=self.name_en)


class VatRule(models.Model):
    """The VAT rate of a fee component from a day on: for one kind of account, or for every
    kind when the kind is empty (a kind's own rule wins). Rules are never edited back in
    time: a change of rate is a new rule from the day it applies."""

    component = models.ForeignKey(
        Component, verbose_name=_("component"), on_delete=models.CASCADE, related_name="vat_rules"
    )
    account_kind = models.CharField(
        _("kind of account"),
        max_length=20,
        choices=Account.Kind.choices,
        blank=True,
        help_text=_("Leave empty for every kind of account."),
    )
    valid_from = models.DateField(_("valid from"))
    vat_rate = models.CharField(_("VAT rate"), max_length=2, choices=VatRate.choices)
    exemption_basis = models.CharField(
        _("legal basis of the exemption"),
        max_length=256,
        blank=True,
        help_text=_("Printed on invoices, e.g. art. 43 ust. 1 pkt 36 ustawy o VAT."),
    )

    class Meta:
        verbose_name = _("VAT rule")
        verbose_name_plural = _("VAT rules")
        ordering = ["component", "account_kind", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["component", "account_kind", "valid_from"], name="one_vat_rule_per_day"
            ),
            models.CheckConstraint(
                condition=~Q(vat_rate="zw") | ~Q(exemption_basis=""),
                name="vat_rule_exempt_has_basis",
            ),
        ]

    def __str__(self):
        return f"{self.component}: {self.get_vat_rate_display()} ({self.valid_from:%d.%m.%Y})"


class Fee(models.Model):
    """One component of one account's fee schedule, valid for a period."""

    class Basis(models.TextChoices):
        PER_M2 = "per_m2", _("per m² of floor area")
        PER_PERSON = "per_person", _("per person")
        PER_METER = "per_meter", _("per meter")
        FIXED = "fixed", _("fixed amount")

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="fees"
    )
    component = models.ForeignKey(
        Component, verbose_name=_("component"), on_delete=models.PROTECT, related_name="fees"
    )
    basis = models.CharField(_("basis"), max_length=12, choices=Basis.choices)
    unit_price = models.DecimalField(
        _("unit price (zł)"), max_digits=12, decimal_places=4, validators=[MinValueValidator(0)]
    )
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=10,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_(
            "Persons or meters; for a rate per m², leave empty to use the premises' floor area."
        ),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["account", "component__order", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="fee_valid_range",
            ),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="fee_price_not_negative"),
        ]
        indexes = [models.Index(fields=["valid_from", "valid_to"], name="fee_validity")]

    def __str__(self):
        return f"{self.account.number}: {self.component}"

    def quantity_for(self, floor_area: Decimal) -> Decimal:
        if self.basis == self.Basis.FIXED:
            return Decimal(1)
        if self.quantity is not None:
            return self.quantity
        if self.basis == self.Basis.PER_M2:
            return floor_area
        return Decimal(0)

    def amount_for(self, floor_area: Decimal) -> Decimal:
        return money(self.quantity_for(floor_area) * self.unit_price)

    def audit_resident(self):
        return first_resident(self.account)


class PaymentTerms(models.Model):
    """The contract's payment day for one account, where it differs from the default."""

    account = models.OneToOneField(
        Account,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="payment_terms",
    )
    due_day = models.PositiveSmallIntegerField(
        _("payment day of the month"),
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Charges for a month are due on this day of that month."),
    )

    class Meta:
        verbose_name = _("payment terms")
        verbose_name_plural = _("payment terms")

    def __str__(self):
        return f"{self.account.number}: {self.due_day}"

    def audit_resident(self):
        return first_resident(self.account)


class ChargeRun(models.Model):
    """One monthly charge run: a job whose outcome staff can see."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        ERROR = "error", _("error")

    period = models.DateField(_("month"), help_text=_("The first day of the month charged."))
    due_day = models.PositiveSmallIntegerField(
        _("default payment day"), validators=[MinValueValidator(1), MaxValueValidator(28)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    accounts_charged = models.PositiveIntegerField(_("accounts charged"), default=0)
    charges_created = models.PositiveIntegerField(_("charges created"), default=0)
    # Progress while running: the fees to charge and how many of them were written so far.
    fees_total = models.PositiveIntegerField(_("fees to charge"), default=0)
    fees_done = models.PositiveIntegerField(_("fees charged so far"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("charge run")
        verbose_name_plural = _("charge runs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(period__day=1), name="charge_run_period_first_day"),
            # Two submits or two schedulers at once start one run: the second insert waits for
            # the first and fails (billing/ledger/charge_run.py turns that into the refusal).
            models.UniqueConstraint(
                fields=["period"],
                condition=Q(status__in=["pending", "running"]),
                name="one_active_charge_run_per_month",
            ),
        ]

    def __str__(self):
        return f"{self.period:%m/%Y} ({self.get_status_display()})"


class Charge(models.Model):
    """A charge (naliczenie): what the account owes, by when. Immutable once posted."""

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="charges"
    )
    component = models.ForeignKey(
        Component,
        verbose_name=_("component"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="charges",
    )
    period = models.DateField(
        _("month"), null=True, blank=True, help_text=_("The first day of the month charged.")
    )
    # The Polish text (admin search, invoices); text_key and text_params render it in the
    # reader's language (core.stored_text). No key: free text a clerk typed.
    title = models.CharField(_("title"), max_length=200)
    text_key = models.CharField(max_length=300, blank=True, db_default="", editable=False)
    text_params = models.JSONField(default=dict, db_default={}, blank=True, editable=False)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, default=1)
    unit_price = models.DecimalField(_("unit price (zł)"), max_digits=12, decimal_places=4)
    amount = models.DecimalField(_("amount (zł)"), **MONEY)
    vat_rate = models.CharField(_("VAT rate"), max_length=2, choices=VatRate.choices)
    vat_basis = models.CharField(_("legal basis of the exemption"), max_length=256, blank=True)
    due_date = models.DateField(_("due date"))
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    run = models.ForeignKey(
        ChargeRun,
        verbose_name=_("charge run"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="charges",
    )
    posted_at = models.DateTimeField(_("posted at"), default=timezone.now)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        ordering = ["due_date", "pk"]
        constraints = [
            # The charge run's idempotency: one charge per account, month and component.
            models.UniqueConstraint(
                fields=["account", "period", "component"],
                condition=Q(corrects__isnull=True, period__isnull=False, component__isnull=False),
                name="one_charge_per_account_month_component",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0) | Q(corrects__isnull=False),
                name="charge_positive_unless_correction",
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(reason=""),
                name="charge_correction_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(period__isnull=True) | Q(period__day=1),
                name="charge_period_first_day",
            ),
        ]
        indexes = [models.Index(fields=["account", "due_date"], name="charge_account_due")]

    def __str__(self):
        return f"{self.title}: {self.amount} zł"

    @property
    def description(self) -> str:
        """The title in the reader's language."""
        return render(self.text_key, self.text_params, self.title)

    def audit_resident(self):
        return first_resident(self.account)


class Payment(models.Model):
    """A payment (wpłata) credited to an account. Immutable once posted."""

    class Method(models.TextChoices):
        BANK = "bank", _("bank transfer")
        CASH = "cash", _("cash at the office")
        CORRECTION = "correction", _("correction")
        # Not money arriving: an overpayment found by a water settlement, credited.
        SETTLEMENT = "settlement", _("settlement credit")

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(_("amount (zł)"), **MONEY)
    paid_on = models.DateField(
        _("paid on"), help_text=_("The day the money reached the creditor's account.")
    )
    method = models.CharField(_("method"), max_length=12, choices=Method.choices)
    # The bank's title as it came, or the Polish text of one the system wrote, whose key and
    # parameters render it in the reader's language (core.stored_text).
    title = models.CharField(_("transfer title"), max_length=300, blank=True)
    text_key = models.CharField(max_length=300, blank=True, db_default="", editable=False)
    text_params = models.JSONField(default=dict, db_default={}, blank=True, editable=False)
    payer = models.CharField(_("payer"), max_length=200, blank=True)
    statement_line = models.OneToOneField(
        "StatementLine",
        verbose_name=_("bank statement line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payment",
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    posted_at = models.DateTimeField(_("posted at"), default=timezone.now)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["paid_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0) | Q(corrects__isnull=False),
                name="payment_positive_unless_correction",
            ),
            models.CheckConstraint(
                condition=(Q(corrects__isnull=True) & ~Q(method="correction"))
                | (Q(corrects__isnull=False) & Q(method="correction") & ~Q(reason="")),
                name="payment_correction_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(method="cash") | ~Q(reason=""),
                name="payment_cash_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "paid_on"], name="payment_account_paid"),
            # "data as of" on every fee page: the newest payment, without a scan
            models.Index(fields=["paid_on"], name="payment_paid_on"),
        ]

    def __str__(self):
        return f"{self.amount} zł ({self.paid_on:%d.%m.%Y})"

    @property
    def title_text(self) -> str:
        """The title in the reader's language (a bank's title as it came)."""
        return render(self.text_key, self.text_params, self.title)

    def audit_resident(self):
        return first_resident(self.account)


class InterestRate(models.Model):
    """Statutory interest for delay (odsetki ustawowe za opóźnienie), per annum, from a day."""

    valid_from = models.DateField(_("valid from"), unique=True)
    rate = models.DecimalField(
        _("rate (% a year)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("interest rate")
        verbose_name_plural = _("interest rates")
        ordering = ["valid_from"]

    def __str__(self):
        return f"{self.rate}% ({self.valid_from:%d.%m.%Y})"


class LedgerTotal(models.Model):
    """All of an account's charges and payments summed, in grosze. Kept by database triggers
    on billing_charge and billing_payment (migration 0008) in the transaction of every posting;
    `manage.py ledger_summary` verifies and rebuilds it."""

    account = models.OneToOneField(
        Account,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="ledger_total",
    )
    charged = models.BigIntegerField(_("charged (gr)"), default=0)
    paid = models.BigIntegerField(_("paid (gr)"), default=0)
    # Rows written to the account's ledger so far: a version that moves with every posting,
    # under which the account's pages are cached.
    changes = models.BigIntegerField(_("postings"), default=0)

    class Meta:
        verbose_name = _("ledger total")
        verbose_name_plural = _("ledger totals")

    def __str__(self):
        return f"{self.account_id}: {self.paid - self.charged}"

    def audit_resident(self):
        return first_resident(self.account)


class LedgerMonth(models.Model):
    """An account's charges (by due date) and payments (by the day paid) of one month, in
    grosze; kept like LedgerTotal. The balance at any month's end is the total less the months
    after it, so a page reads a few rows whatever the length of the history."""

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("month"))
    charged = models.BigIntegerField(_("charged (gr)"), default=0)
    paid = models.BigIntegerField(_("paid (gr)"), default=0)

    class Meta:
        verbose_name = _("ledger month")
        verbose_name_plural = _("ledger months")
        constraints = [
            models.UniqueConstraint(fields=["account", "month"], name="ledger_month_unique")
        ]

    def __str__(self):
        return f"{self.account_id} {self.month:%m/%Y}"

    def audit_resident(self):
        return first_resident(self.account)
