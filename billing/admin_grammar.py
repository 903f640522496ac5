"""Billing's models, of every room (billing/models.py), in the cases the admin's phrases need
(core/admin_grammar.py)."""

from django.utils.translation import pgettext_lazy

from core.admin_grammar import Forms

FORMS = {
    "billing.statementimport": Forms(
        pgettext_lazy("accusative", "bank statement import"),
        pgettext_lazy("genitive", "bank statement import"),
        pgettext_lazy("genitive plural", "bank statement imports"),
    ),
    "billing.statementline": Forms(
        pgettext_lazy("accusative", "bank statement line"),
        pgettext_lazy("genitive", "bank statement line"),
        pgettext_lazy("genitive plural", "bank statement lines"),
    ),
    "billing.certificate": Forms(
        pgettext_lazy("accusative", "certificate of no arrears"),
        pgettext_lazy("genitive", "certificate of no arrears"),
        pgettext_lazy("genitive plural", "certificates of no arrears"),
    ),
    "billing.invoice": Forms(
        pgettext_lazy("accusative", "invoice"),
        pgettext_lazy("genitive", "invoice"),
        pgettext_lazy("genitive plural", "invoices"),
    ),
    "billing.invoiceline": Forms(
        pgettext_lazy("accusative", "invoice line"),
        pgettext_lazy("genitive", "invoice line"),
        pgettext_lazy("genitive plural", "invoice lines"),
    ),
    "billing.invoiceratetotal": Forms(
        pgettext_lazy("accusative", "invoice total per VAT rate"),
        pgettext_lazy("genitive", "invoice total per VAT rate"),
        pgettext_lazy("genitive plural", "invoice totals per VAT rate"),
    ),
    "billing.component": Forms(
        pgettext_lazy("accusative", "fee component"),
        pgettext_lazy("genitive", "fee component"),
        pgettext_lazy("genitive plural", "fee components"),
    ),
    "billing.vatrule": Forms(
        pgettext_lazy("accusative", "VAT rule"),
        pgettext_lazy("genitive", "VAT rule"),
        pgettext_lazy("genitive plural", "VAT rules"),
    ),
    "billing.fee": Forms(
        pgettext_lazy("accusative", "fee"),
        pgettext_lazy("genitive", "fee"),
        pgettext_lazy("genitive plural", "fees"),
    ),
    "billing.paymentterms": Forms(
        pgettext_lazy("accusative", "payment terms"),
        pgettext_lazy("genitive", "payment terms"),
        pgettext_lazy("genitive plural", "payment terms"),
    ),
    "billing.interestrate": Forms(
        pgettext_lazy("accusative", "interest rate"),
        pgettext_lazy("genitive", "interest rate"),
        pgettext_lazy("genitive plural", "interest rates"),
    ),
    "billing.chargerun": Forms(
        pgettext_lazy("accusative", "charge run"),
        pgettext_lazy("genitive", "charge run"),
        pgettext_lazy("genitive plural", "charge runs"),
    ),
    "billing.charge": Forms(
        pgettext_lazy("accusative", "charge"),
        pgettext_lazy("genitive", "charge"),
        pgettext_lazy("genitive plural", "charges"),
    ),
    "billing.payment": Forms(
        pgettext_lazy("accusative", "payment"),
        pgettext_lazy("genitive", "payment"),
        pgettext_lazy("genitive plural", "payments"),
    ),
    "billing.watertariff": Forms(
        pgettext_lazy("accusative", "water tariff"),
        pgettext_lazy("genitive", "water tariff"),
        pgettext_lazy("genitive plural", "water tariffs"),
    ),
    "billing.settlementplan": Forms(
        pgettext_lazy("accusative", "water settlement plan"),
        pgettext_lazy("genitive", "water settlement plan"),
        pgettext_lazy("genitive plural", "water settlement plans"),
    ),
    "billing.settlementrun": Forms(
        pgettext_lazy("accusative", "water settlement run"),
        pgettext_lazy("genitive", "water settlement run"),
        pgettext_lazy("genitive plural", "water settlement runs"),
    ),
    "billing.settlementjob": Forms(
        pgettext_lazy("accusative", "water settlement job"),
        pgettext_lazy("genitive", "water settlement job"),
        pgettext_lazy("genitive plural", "water settlement jobs"),
    ),
    "billing.settlement": Forms(
        pgettext_lazy("accusative", "water settlement"),
        pgettext_lazy("genitive", "water settlement"),
        pgettext_lazy("genitive plural", "water settlements"),
    ),
}
