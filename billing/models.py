"""The billing app's models, each defined in the room that owns it; Django finds them here."""

from billing.account.models import StatementPdf, statement_pdf_upload_to
from billing.bank.models import StatementImport, StatementLine, statement_upload_to
from billing.certificates.models import Certificate, CertificateCounter
from billing.invoices.models import (
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    InvoiceRateTotal,
    invoice_pdf_upload_to,
)
from billing.ledger.models import (
    Charge,
    ChargeRun,
    Component,
    Fee,
    InterestRate,
    LedgerMonth,
    LedgerTotal,
    Payment,
    PaymentTerms,
    VatRate,
    VatRule,
)
from billing.reminders.models import BillingNotice
from billing.water.models import Settlement, SettlementPlan, SettlementRun, WaterTariff

__all__ = [
    "BillingNotice",
    "Certificate",
    "CertificateCounter",
    "Charge",
    "ChargeRun",
    "Component",
    "Fee",
    "InterestRate",
    "Invoice",
    "InvoiceCounter",
    "InvoiceLine",
    "InvoiceRateTotal",
    "LedgerMonth",
    "LedgerTotal",
    "Payment",
    "PaymentTerms",
    "StatementImport",
    "StatementPdf",
    "StatementLine",
    "Settlement",
    "SettlementPlan",
    "SettlementRun",
    "VatRate",
    "VatRule",
    "WaterTariff",
    "invoice_pdf_upload_to",
    "statement_pdf_upload_to",
    "statement_upload_to",
]
