"""The ledger: fee schedules, charges (naliczenia), payments (wpłaty), interest rates, charge
runs and bank statements. Posted money is never edited: a correction is a new row."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, NIPField, NRBField

MONEY = {"max_digits": 12, "decimal_places": 2}
CENT = Decimal("0.01")


def money(value) -> Decimal:
    """Round to grosze the way people and banks do (half up, not Python's half even)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


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
    default_vat_rate = models.CharField(
        _("default VAT rate"), max_length=2, choices=VatRate.choices, default=VatRate.EXEMPT
    )
    order = models.PositiveSmallIntegerField(_("order on statements"), default=0)

    class Meta:
        verbose_name = _("fee component")
        verbose_name_plural = _("fee components")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


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
    vat_rate = models.CharField(_("VAT rate"), max_length=2, choices=VatRate.choices)
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
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("charge run")
        verbose_name_plural = _("charge runs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(period__day=1), name="charge_run_period_first_day")
        ]

    def __str__(self):
        return f"{self.period:%m/%Y} ({self.get_status_display()})"


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
    title = models.CharField(_("title"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, default=1)
    unit_price = models.DecimalField(_("unit price (zł)"), max_digits=12, decimal_places=4)
    amount = models.DecimalField(_("amount (zł)"), **MONEY)
    vat_rate = models.CharField(_("VAT rate"), max_length=2, choices=VatRate.choices)
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


class Payment(models.Model):
    """A payment (wpłata) credited to an account. Immutable once posted."""

    class Method(models.TextChoices):
        BANK = "bank", _("bank transfer")
        CASH = "cash", _("cash at the office")
        CORRECTION = "correction", _("correction")

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(_("amount (zł)"), **MONEY)
    paid_on = models.DateField(
        _("paid on"), help_text=_("The day the money reached the creditor's account.")
    )
    method = models.CharField(_("method"), max_length=12, choices=Method.choices)
    title = models.CharField(_("transfer title"), max_length=300, blank=True)
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


def statement_upload_to(instance, filename):
    import secrets

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


# -- invoices (faktury VAT) for commercial leases ------------------------------------------------


class InvoiceCounter(models.Model):
    """The last number given in one series and month. Issuing locks this row (SELECT … FOR
    UPDATE) and takes the next number in the same transaction, so numbers have no gaps and no
    duplicates even when several workers issue at once."""

    series = models.CharField(_("series"), max_length=10)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("invoice number counter")
        verbose_name_plural = _("invoice number counters")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "month"], name="one_invoice_counter_per_series_month"
            )
        ]

    def __str__(self):
        return f"{self.series}/{self.year}/{self.month:02d}: {self.last_number}"


def invoice_pdf_upload_to(instance, filename):
    import secrets

    return f"invoices/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.pdf"


class Invoice(models.Model):
    """A VAT invoice (faktura) or a correcting invoice (faktura korygująca): an immutable
    snapshot of everything art. 106e of the VAT act requires, taken when it is issued."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("invoice")
        CORRECTION = "correction", _("correcting invoice")

    class PdfStatus(models.TextChoices):
        PENDING = "pending", _("waiting")
        RENDERING = "rendering", _("rendering")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    class PaymentMethod(models.TextChoices):
        TRANSFER = "transfer", _("bank transfer")

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
    ksef_status = models.CharField(_("KSeF status"), max_length=20, blank=True)
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
            models.UniqueConstraint(fields=["series", "number"], name="invoice_unique_number"),
            # Issuing is idempotent: one invoice per account and month; later changes are
            # correcting invoices.
            models.UniqueConstraint(
                fields=["account", "period"],
                condition=Q(kind="invoice"),
                name="one_invoice_per_account_month",
            ),
            models.CheckConstraint(
                condition=(Q(kind="invoice") & Q(corrects__isnull=True))
                | (Q(kind="correction") & Q(corrects__isnull=False) & ~Q(correction_reason="")),
                name="invoice_correction_refers_and_has_reason",
            ),
            models.CheckConstraint(condition=Q(period__day=1), name="invoice_period_first_day"),
        ]
        indexes = [models.Index(fields=["pdf_status", "pdf_claimed_at"], name="invoice_pdf_queue")]

    def __str__(self):
        return self.number

    @property
    def is_correction(self):
        return self.kind == self.Kind.CORRECTION


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
    unit_net_price = models.DecimalField(_("unit net price (zł)"), max_digits=12, decimal_places=4)
    net_value = models.DecimalField(_("net value (zł)"), **MONEY)
    vat_rate = models.CharField(_("VAT rate"), max_length=2, choices=VatRate.choices)
    vat_amount = models.DecimalField(_("VAT (zł)"), **MONEY)
    gross_value = models.DecimalField(_("gross value (zł)"), **MONEY)
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


from .certificate_models import Certificate, CertificateCounter  # noqa: E402, F401
