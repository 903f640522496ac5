"""Posting money: every write to the ledger. Posted rows are never changed; a correction is a
new row that refers to the one it corrects and says why."""

from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.services import Action, audit_clerk, values_of
from billing.ledger.models import Charge, Payment
from core.money import money
from core.stored_text import StoredText, stored_param


class BillingError(Exception):
    """A refused action; the message is shown next to the form."""


def _effective(entry: Charge | Payment) -> Decimal:
    return entry.amount + sum(c.amount for c in entry.corrections.all())


def charge_correct(*, charge: Charge, new_amount: Decimal, reason: str, clerk) -> Charge:
    """Set what a charge should have been: posts the difference as a correcting entry."""
    if charge.corrects_id:
        raise BillingError(_("Correct the original charge, not a correction."))
    if not reason.strip():
        raise BillingError(_("Give the reason for the correction."))
    new_amount = money(new_amount)
    if new_amount < 0:
        raise BillingError(_("A charge cannot become negative."))
    with transaction.atomic(durable=True):
        charge = Charge.objects.select_for_update().get(pk=charge.pk)
        before = _effective(charge)
        difference = new_amount - before
        if difference == 0:
            raise BillingError(_("The charge already has this amount."))
        correction = charge_correction_post(
            charge=charge, difference=difference, reason=reason.strip(), clerk=clerk
        )
        _audit_correction(clerk, charge, before, new_amount, correction)
        return correction


def charge_correction_post(*, charge: Charge, difference: Decimal, reason: str, clerk) -> Charge:
    """The entry that corrects `charge` by `difference`, in the caller's transaction (the
    caller checks and audits: charge_correct, a water settlement's reversal)."""
    title = StoredText(
        gettext_noop("Correction: %(title)s"),
        {"title": stored_param(charge.text_key, charge.text_params, charge.title)},
    )
    return Charge.objects.create(
        account_id=charge.account_id,
        component_id=charge.component_id,
        period=charge.period,
        title=title.polish()[:200],
        text_key=title.key,
        text_params=title.encoded(),
        quantity=1,
        unit_price=difference,
        amount=difference,
        vat_rate=charge.vat_rate,
        vat_basis=charge.vat_basis,
        due_date=charge.due_date,
        corrects=charge,
        reason=reason,
        posted_by=clerk,
    )


def _audit_correction(clerk, entry, before, after, correction):
    audit_clerk(
        clerk,
        action=Action.CHANGE,
        obj=entry,
        old={"amount": before},
        new={"amount": after, "correction": correction.pk, "reason": correction.reason},
    )


def payment_build(
    *,
    account,
    amount: Decimal,
    paid_on: date,
    method: str,
    title: str = "",
    payer: str = "",
    clerk=None,
    reason: str = "",
    statement_line=None,
) -> Payment:
    """A validated, unsaved payment: the rules of posting one, for callers that save in bulk."""
    amount = money(amount)
    if amount <= 0:
        raise BillingError(_("A payment must be greater than zero."))
    if method == Payment.Method.CASH and not reason.strip():
        raise BillingError(_("Give the receipt number or the reason for a cash payment."))
    if method == Payment.Method.CORRECTION:
        raise BillingError(_("Use a correction of the payment instead."))
    return Payment(
        account=account,
        amount=amount,
        paid_on=paid_on,
        method=method,
        title=title[:300],
        payer=payer[:200],
        posted_by=clerk,
        reason=reason.strip(),
        statement_line=statement_line,
    )


def payment_post(**kwargs) -> Payment:
    """Post one payment (see payment_build for the arguments and rules)."""
    payment = payment_build(**kwargs)
    # Also inside a caller's transaction (a statement line): no savepoint of its own there.
    with transaction.atomic(savepoint=False):
        payment.save(force_insert=True)
        audit_clerk(
            payment.posted_by,
            action=Action.ADD,
            obj=payment,
            new=values_of(
                payment,
                ["account", "amount", "paid_on", "method", "title", "payer", "reason"],
            ),
        )
    return payment


def payments_post_bulk(payments: list[Payment]) -> list[Payment]:
    """Post many payments built by payment_build (so its rules hold) at once, in the caller's
    transaction: one bulk INSERT. No audit rows: a worker's import posts them, not a clerk."""
    with transaction.atomic(savepoint=False):
        return Payment.objects.bulk_create(payments)


# The columns of payments_post_select's source, in this order.
SELECT_PAYMENT_COLUMNS = ("account_id", "amount", "paid_on", "title", "payer", "statement_line_id")


def payments_post_select(source: str, params, *, method: str) -> tuple[int, int]:
    """PostgreSQL: a payment for each row of `source` that names an account, posted set-wise in
    one statement in the caller's transaction, for a caller that books thousands (a bank
    statement import, billing/bank/bulk_booking.py). `source` is an SQL query, also an
    INSERT … RETURNING, whose columns are SELECT_PAYMENT_COLUMNS; a row without an account is
    no payment. payment_build's rules hold: the amount in grosze above zero (else BillingError,
    and the caller's transaction must not commit), the title and payer cut to their columns;
    cash, which needs a reason, and corrections are posted one at a time. No audit rows, as in
    payments_post_bulk. Returns (rows of `source`, payments posted)."""
    if method in (Payment.Method.CASH, Payment.Method.CORRECTION):
        raise ValueError(f"{method} payments are posted one at a time")
    table = connection.ops.quote_name(Payment._meta.db_table)
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            f"WITH given ({', '.join(SELECT_PAYMENT_COLUMNS)}) AS ({source}), "  # noqa: S608
            "payable AS (SELECT * FROM given WHERE account_id IS NOT NULL), "
            f"paid AS (INSERT INTO {table} (account_id, amount, paid_on, method, title, payer, "
            "reason, posted_at, statement_line_id) SELECT account_id, round(amount, 2), "
            "paid_on, %s, left(title, 300), left(payer, 200), '', %s, statement_line_id "
            "FROM payable WHERE round(amount, 2) > 0 RETURNING id) "
            "SELECT (SELECT count(*) FROM given), (SELECT count(*) FROM paid), "
            "(SELECT count(*) FROM payable WHERE round(amount, 2) <= 0)",
            [*params, method, timezone.now()],
        )
        given, paid, refused = cursor.fetchone()
    if refused:
        raise BillingError(_("A payment must be greater than zero."))
    return given, paid


def payment_correct(*, payment: Payment, new_amount: Decimal, reason: str, clerk) -> Payment:
    """Set what a payment should have been (0 to reverse it, e.g. booked to a wrong account)."""
    if payment.corrects_id:
        raise BillingError(_("Correct the original payment, not a correction."))
    if not reason.strip():
        raise BillingError(_("Give the reason for the correction."))
    new_amount = money(new_amount)
    if new_amount < 0:
        raise BillingError(_("A payment cannot become negative."))
    with transaction.atomic(durable=True):
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        before = _effective(payment)
        difference = new_amount - before
        if difference == 0:
            raise BillingError(_("The payment already has this amount."))
        correction = payment_correction_post(
            payment=payment,
            difference=difference,
            reason=reason.strip(),
            clerk=clerk,
            paid_on=payment.paid_on,
        )
        _audit_correction(clerk, payment, before, new_amount, correction)
        return correction


def payment_correction_post(
    *, payment: Payment, difference: Decimal, reason: str, clerk, paid_on: date
) -> Payment:
    """The entry that corrects `payment` by `difference`, booked on `paid_on`, in the caller's
    transaction (the caller checks and audits)."""
    return Payment.objects.create(
        account_id=payment.account_id,
        amount=difference,
        paid_on=paid_on,
        method=Payment.Method.CORRECTION,
        title=payment.title,
        text_key=payment.text_key,
        text_params=payment.text_params,
        payer=payment.payer,
        corrects=payment,
        reason=reason,
        posted_by=clerk,
    )
