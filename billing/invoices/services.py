"""Issuing invoices (faktury VAT) to commercial tenants and correcting them.

An invoice is issued from an account's charges of one month, once: a second call returns the
invoice already issued. Its number comes from billing/invoices/numbering.py inside the issuing
transaction; seller and buyer data are copied onto it, so a later change of the register does
not change an issued invoice. A mistake is fixed only by a correcting invoice (faktura
korygująca) in its own series, which refers to the original and carries the lines before and
after the correction and the difference. The tenant is told once, in the issuing transaction;
the PDF is rendered by a worker after commit (billing/invoices/pdf_jobs.py).
"""

import logging
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Account
from accounts.queries import people_of
from accounts.validators import validate_nip
from audit.services import Action, audit_clerk
from billing.bank.transfer import recipient_of
from billing.invoices import vat as invoice_vat
from billing.invoices.ksef_sending import fa3_prepare, invoice_fa3_rebuild
from billing.invoices.models import Invoice, InvoiceLine, InvoiceRateTotal
from billing.invoices.numbering import next_number
from billing.ledger.balances import fold_corrections
from billing.ledger.models import Charge, ChargeRun, VatRate
from billing.ledger.services import charge_correction_post
from core.dates import month_end, month_start
from core.enqueue import enqueue_on_commit
from core.pdf_jobs import pdf_again
from core.stored_text import StoredText
from messaging import Kind, notify

log = logging.getLogger(__name__)


class InvoiceError(Exception):
    """A refused invoice action; the message is shown to the clerk."""


# -- what goes on an invoice -------------------------------------------------------------------


def seller_of(account) -> dict:
    """The creditor: the community for premises in one, else the manager (as the QR code), or
    under centralised VAT the municipality, the taxpayer (the manager is then in FA(3)'s
    Podmiot3, billing/invoices/fa3/build.py)."""
    name, nip = recipient_of(account)
    community = account.premises.building.community
    if community is None and settings.VAT_MUNICIPALITY_NIP:
        return {
            "seller_name": settings.VAT_MUNICIPALITY_NAME,
            "seller_nip": settings.VAT_MUNICIPALITY_NIP,
            "seller_address": settings.VAT_MUNICIPALITY_ADDRESS,
        }
    address = community.address if community else settings.INVOICE_SELLER_ADDRESS
    return {"seller_name": name, "seller_nip": nip, "seller_address": address}


def buyer_of(account) -> dict:
    premises = account.premises
    address = account.correspondence_address or (
        f"{premises.building.street} lok. {premises.number}, "
        f"{premises.building.postal_code} {premises.building.city}"
    )
    nip = account.holder_nip
    if nip:
        try:
            validate_nip(nip)
        except ValidationError as exc:
            raise InvoiceError(
                _("The buyer's NIP of account %(number)s is not valid: %(error)s")
                % {"number": account.number, "error": exc.messages[0]}
            ) from None
    return {"buyer_name": account.holder_name, "buyer_address": address, "buyer_nip": nip}


def unit_of(charge, floor_area) -> str:
    if charge.quantity == 1:
        return "mies."  # the month's charge
    if charge.quantity == floor_area:
        return "m²"
    return "szt."


def charges_of_month(account, period: date):
    """The account's charges of the month (monthly ones, and one-offs due in it), each with
    its corrections folded in: [(charge, effective amount)] with the amount above zero.
    Charges outside VAT ("np": the repair fund, a contractual penalty) are no supply and are
    not invoiced; the tenant sees them in the ledger."""
    charges = Charge.objects.filter(account=account).filter(
        Q(period=period) | Q(period__isnull=True, due_date__range=(period, month_end(period)))
    )
    folded = fold_corrections(list(charges.order_by("due_date", "pk")))
    return [
        (charge, amount)
        for charge, amount in folded
        if amount > 0 and charge.vat_rate != VatRate.NOT_SUBJECT
    ]


def lines_of(account, charges) -> list:
    area = account.premises.floor_area
    return [
        invoice_vat.Line(
            description=charge.title,
            quantity=charge.quantity,
            unit=unit_of(charge, area),
            gross=amount,
            vat_rate=charge.vat_rate,
            charge_id=charge.pk,
            vat_basis=charge.vat_basis,
        )
        for charge, amount in charges
    ]


def exemption_basis_of(lines, fallback: str = "") -> str:
    """The legal basis printed for the exempt lines (FA(3) P_19A holds one text): each
    distinct basis once. An exempt line with no basis is refused: staff give its fee
    component a VAT rule first."""
    bases = []
    for line in lines:
        if line.vat_rate != "zw":
            continue
        basis = line.vat_basis or fallback
        if not basis:
            raise InvoiceError(
                _(
                    "“%(line)s” is exempt from VAT but has no legal basis of the exemption. "
                    "Set the VAT rule of its fee component and post the charge again."
                )
                % {"line": line.description}
            )
        if basis not in bases:
            bases.append(basis)
    return "; ".join(bases)[:256]  # FA(3) P_19A holds 256 characters


def _save_lines(invoice, computed, state):
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            state=state,
            position=position,
            description=line.description[:200],
            quantity=line.quantity,
            unit=line.unit,
            unit_net_price=line.unit_net_price,
            net_value=line.net,
            vat_rate=line.vat_rate,
            vat_amount=line.vat,
            gross_value=line.gross,
            rounding=line.rounding,
            charge_id=line.charge_id,
        )
        for position, line in enumerate(computed.lines, start=1)
    )


def _save_rates(invoice, rates, state):
    InvoiceRateTotal.objects.bulk_create(
        InvoiceRateTotal(
            invoice=invoice, state=state, vat_rate=r.vat_rate, net=r.net, vat=r.vat, gross=r.gross
        )
        for r in rates
    )


def _post_rounding(invoice, computed, clerk) -> Decimal:
    """The grosz by which the invoice's rates fall short of the charges (billing/invoices/
    vat.py), posted as corrections of the charges, so that the ledger asks what the invoice
    says. Returns the sum posted (0 or a few grosze below 0)."""
    posted = invoice_vat.ZERO
    for line in computed.lines:
        if not line.rounding or line.charge_id is None:
            continue
        charge_correction_post(
            charge=Charge.objects.get(pk=line.charge_id),
            difference=line.rounding,
            reason=_("Rounding to invoice %(number)s: VAT on the net total")
            % {"number": invoice.number},
            clerk=clerk,
        )
        posted += line.rounding
    return posted


def _tell(invoice, account):
    """Tell the account's people about a new invoice; once, as it runs where it is issued."""
    values = {
        "number": invoice.number,
        "account": account.number,
        "amount": abs(invoice.gross_total),
        "due": invoice.due_date,
    }
    if invoice.is_correction:
        subject = gettext_noop("Correcting invoice %(number)s")
        # the difference in words, never "−23,42 zł" (docs/glossary.md)
        body = (
            gettext_noop(
                "A correcting invoice %(number)s has been issued for account %(account)s: "
                "%(amount)s back to you. You can download it in e-BOK."
            )
            if invoice.gross_total < 0
            else gettext_noop(
                "A correcting invoice %(number)s has been issued for account %(account)s: "
                "%(amount)s more to pay. You can download it in e-BOK."
            )
        )
    else:
        subject = gettext_noop("New invoice %(number)s")
        body = gettext_noop(
            "Invoice %(number)s for account %(account)s has been issued: %(amount)s, due "
            "by %(due)s. You can download it in e-BOK."
        )
    link = reverse("billing:invoices")
    for user in people_of([account.pk]).get(account.pk, (None, []))[1]:
        notify(
            user,
            StoredText(subject, values),
            StoredText(body, values),
            link=link,
            kind=Kind.BILLING,
        )
    invoice.notified_at = timezone.now()
    invoice.save(update_fields=["notified_at"])


# -- issuing -----------------------------------------------------------------------------------


def invoice_issue_for_month(
    *, account, period: date, clerk=None, issue_date: date | None = None, on_request=False
) -> Invoice:
    """The invoice of a commercial account's charges of the month of `period`: issued now, or
    the one issued before (idempotent). Another account is invoiced only `on_request`: a
    flat's tenant or owner who asked BOK for an invoice (their monthly notice is not one)."""
    period = month_start(period)
    if account.kind != Account.Kind.COMMERCIAL_LEASE and not on_request:
        raise InvoiceError(_("Invoices are issued only for commercial leases."))
    issue_date = issue_date or timezone.localdate()
    with transaction.atomic(durable=True):
        # One issuer per account at a time: the second sees the first's invoice.
        account = (
            Account.objects.select_for_update(of=("self",))
            .select_related("premises__building__community")
            .get(pk=account.pk)
        )
        existing = Invoice.objects.filter(
            account=account, period=period, kind=Invoice.Kind.INVOICE
        ).first()
        if existing:
            return existing
        charges = charges_of_month(account, period)
        if not charges:
            raise InvoiceError(
                _("Account %(number)s has no charges for %(month)s to invoice.")
                % {"number": account.number, "month": f"{period:%m/%Y}"}
            )
        return _issue(
            kind=Invoice.Kind.INVOICE,
            account=account,
            lines=lines_of(account, charges),
            period=period,
            sale_date=month_end(period),
            # The contract's day; never before the invoice itself (one issued late).
            due_date=max(min(charge.due_date for charge, _amount in charges), issue_date),
            issue_date=issue_date,
            clerk=clerk,
            audit={"period": period},
        )


def _issue(
    *, kind, account, lines, period, sale_date, due_date, issue_date, clerk, audit
) -> Invoice:
    """Number, store and announce an invoice of `lines` (invoice_vat.Line), in the caller's
    transaction with the account locked: its FA(3), the tenant told, the audit row, the PDF
    queued after commit."""
    computed = invoice_vat.compute(lines)
    exemption_basis = exemption_basis_of(lines)
    buyer = buyer_of(account)
    seller = seller_of(account)
    sequence, number = next_number(seller["seller_nip"], settings.INVOICE_SERIES, issue_date)
    invoice = Invoice.objects.create(
        kind=kind,
        series=settings.INVOICE_SERIES,
        sequence=sequence,
        number=number,
        account=account,
        period=period,
        issue_date=issue_date,
        sale_date=sale_date,
        due_date=due_date,
        **seller,
        bank_account=account.virtual_nrb,
        **buyer,
        exemption_basis=exemption_basis,
        net_total=computed.net,
        vat_total=computed.vat,
        gross_total=computed.gross,
        issued_by=clerk,
    )
    _save_lines(invoice, computed, InvoiceLine.State.LINE)
    _save_rates(invoice, computed.rates, InvoiceRateTotal.State.TOTAL)
    rounding = _post_rounding(invoice, computed, clerk)
    fa3_prepare(invoice)
    _tell(invoice, account)
    audit_clerk(
        clerk,
        action=Action.ADD,
        obj=invoice,
        new={
            "number": number,
            **audit,
            "gross_total": computed.gross,
            **({"vat_rounding": rounding} if rounding else {}),
        },
    )
    enqueue_on_commit("billing.invoice_pdf_render", invoice.pk)
    return invoice


def commercial_accounts_to_invoice(period: date):
    """Ids of commercial accounts with charges of the month and no invoice for it yet."""
    invoiced = Invoice.objects.filter(period=period, kind=Invoice.Kind.INVOICE).values("account_id")
    return list(
        Charge.objects.filter(account__kind=Account.Kind.COMMERCIAL_LEASE)
        .filter(
            Q(period=period) | Q(period__isnull=True, due_date__range=(period, month_end(period)))
        )
        .exclude(vat_rate=VatRate.NOT_SUBJECT)
        .exclude(account_id__in=invoiced)
        .order_by("account_id")
        .values_list("account_id", flat=True)
        .distinct()
    )


def invoices_issue_for_month(*, period: date, clerk=None) -> tuple[int, list[str]]:
    """Issue every missing invoice of the month; each in its own transaction. Returns
    (invoices issued, messages of accounts refused)."""
    period = month_start(period)
    issued, refused = 0, []
    for account in Account.objects.filter(pk__in=commercial_accounts_to_invoice(period)):
        try:
            invoice_issue_for_month(account=account, period=period, clerk=clerk)
        except InvoiceError as exc:
            log.warning("invoice of %s for %s refused: %s", account.number, period, exc)
            refused.append(str(exc))
        else:
            issued += 1
    return issued, refused


def invoices_issue_for_run(*, run_id: int) -> int:
    """After a charge run: invoice its month's commercial charges."""
    run = ChargeRun.objects.filter(pk=run_id, status=ChargeRun.Status.DONE).first()
    if run is None:
        return 0
    return invoices_issue_for_month(period=run.period)[0]


# -- correcting --------------------------------------------------------------------------------


def _standing_lines(invoice: Invoice):
    """The original invoice's line rows as they stand: its latest correction's lines after it,
    or its own when it was never corrected."""
    latest = invoice.corrections.order_by("-pk").first()
    if latest is not None:
        return latest.lines.filter(state=InvoiceLine.State.AFTER)
    return invoice.lines.filter(state=InvoiceLine.State.LINE)


def current_lines(invoice: Invoice) -> list:
    """The original invoice's lines as they stand: after its latest correction, if any."""
    return [
        invoice_vat.Line(
            description=line.description,
            quantity=line.quantity,
            unit=line.unit,
            gross=line.gross_value,
            vat_rate=line.vat_rate,
            charge_id=line.charge_id,
            vat_basis=line.charge.vat_basis if line.charge else "",
        )
        for line in _standing_lines(invoice).select_related("charge").order_by("position")
    ]


@dataclass(frozen=True)
class Invoiced:
    net: Decimal
    vat: Decimal
    gross: Decimal


def invoiced_totals(charge_ids) -> Invoiced | None:
    """What the invoices say today about these charges: the net, VAT and gross of their lines
    as the latest correction of each invoice left them. None when one of them was never
    invoiced (then no invoice speaks for all of them)."""
    charge_ids = set(charge_ids)
    found: set = set()
    net = vat = gross = invoice_vat.ZERO
    originals = Invoice.objects.filter(
        lines__charge_id__in=list(charge_ids), corrects__isnull=True
    ).distinct()
    for invoice in originals:
        found.update(
            invoice.lines.filter(
                state=InvoiceLine.State.LINE, charge_id__in=charge_ids
            ).values_list("charge_id", flat=True)
        )
        for line in _standing_lines(invoice).filter(charge_id__in=charge_ids):
            net += line.net_value
            vat += line.vat_amount
            gross += line.gross_value
    if found != charge_ids:
        return None
    return Invoiced(net, vat, gross)


def invoice_correct(
    *, invoice: Invoice, lines_after, reason: str, clerk, issue_date: date | None = None
) -> Invoice:
    """A correcting invoice of `invoice`: `lines_after` (invoice_vat.Line, gross amounts) is
    what the invoice should have said. It shows the lines before and after and the difference
    per rate; its total is the difference (negative: owed back to the tenant)."""
    if invoice.is_correction:
        raise InvoiceError(_("Correct the original invoice, not a correcting invoice."))
    reason = (reason or "").strip()
    if not reason:
        raise InvoiceError(_("Give the reason for the correction."))
    lines_after = list(lines_after)
    if any(line.gross < 0 for line in lines_after):
        raise InvoiceError(_("A line cannot become negative; remove it instead."))
    issue_date = issue_date or timezone.localdate()
    with transaction.atomic(durable=True):
        return _correct(invoice, lines_after, reason, clerk, issue_date)


def _correct(invoice, lines_after, reason, clerk, issue_date) -> Invoice:
    """invoice_correct's work, in the caller's transaction."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    before = invoice_vat.compute(current_lines(invoice))
    after = invoice_vat.compute([line for line in lines_after if line.gross > 0])
    exemption_basis = exemption_basis_of(
        [*before.lines, *after.lines], fallback=invoice.exemption_basis
    )
    difference = invoice_vat.difference(after, before)
    if all(not (r.net or r.vat or r.gross) for r in difference) and [
        (x.description, x.quantity, x.gross, x.vat_rate) for x in before.lines
    ] == [(x.description, x.quantity, x.gross, x.vat_rate) for x in after.lines]:
        raise InvoiceError(_("The correction changes nothing."))
    correction = _correction_store(
        invoice, before, after, difference, exemption_basis, reason, clerk, issue_date
    )
    rounding = _post_rounding(correction, after, clerk)
    fa3_prepare(correction)
    _tell(correction, correction.account)
    audit_clerk(
        clerk,
        action=Action.CHANGE,
        obj=invoice,
        old={"gross_total": before.gross},
        new={
            "gross_total": after.gross,
            "correction": correction.number,
            "reason": reason,
            **({"vat_rounding": rounding} if rounding else {}),
        },
    )
    enqueue_on_commit("billing.invoice_pdf_render", correction.pk)
    return correction


# What a correcting invoice states as the invoice it corrects does.
CORRECTION_KEEPS = (
    "account_id",
    "period",
    "sale_date",
    "payment_method",
    "seller_name",
    "seller_address",
    "seller_nip",
    "bank_account",
    "buyer_name",
    "buyer_address",
    "buyer_nip",
)


def _correction_store(
    invoice, before, after, difference, exemption_basis, reason, clerk, issue_date
) -> Invoice:
    """The correcting invoice of `invoice` with its lines and rates before and after and the
    difference per rate, which is its total."""
    # In the corrected invoice's seller's series: the seller it names issues the correction.
    sequence, number = next_number(
        invoice.seller_nip, settings.INVOICE_CORRECTION_SERIES, issue_date
    )
    correction = Invoice.objects.create(
        kind=Invoice.Kind.CORRECTION,
        series=settings.INVOICE_CORRECTION_SERIES,
        sequence=sequence,
        number=number,
        issue_date=issue_date,
        due_date=max(invoice.due_date, issue_date),
        corrects=invoice,
        correction_reason=reason[:500],
        exemption_basis=exemption_basis,
        net_total=sum((r.net for r in difference), invoice_vat.ZERO),
        vat_total=sum((r.vat for r in difference), invoice_vat.ZERO),
        gross_total=sum((r.gross for r in difference), invoice_vat.ZERO),
        issued_by=clerk,
        **{name: getattr(invoice, name) for name in CORRECTION_KEEPS},
    )
    _save_lines(correction, before, InvoiceLine.State.BEFORE)
    _save_lines(correction, after, InvoiceLine.State.AFTER)
    _save_rates(correction, before.rates, InvoiceRateTotal.State.BEFORE)
    _save_rates(correction, after.rates, InvoiceRateTotal.State.AFTER)
    _save_rates(correction, difference, InvoiceRateTotal.State.DIFFERENCE)
    return correction


# -- water settlements of commercial leases ---------------------------------------------------


def invoice_issue_for_charge(
    *, charge: Charge, description: str, period_start: date, period_end: date, clerk=None
) -> Invoice:
    """A settlement invoice of one charge (what a water settlement found owing beyond the
    advances invoiced), in the caller's transaction: one line, the charge's gross at its
    rate, for the settled period. Issued once per charge."""
    account = (
        Account.objects.select_for_update(of=("self",))
        .select_related("premises__building__community")
        .get(pk=charge.account_id)
    )
    existing = Invoice.objects.filter(lines__charge=charge, kind=Invoice.Kind.SETTLEMENT).first()
    if existing:
        return existing
    issue_date = timezone.localdate()
    line = invoice_vat.Line(
        description=description[:200],
        quantity=charge.quantity,
        unit="usł.",
        gross=charge.amount,
        vat_rate=charge.vat_rate,
        charge_id=charge.pk,
        vat_basis=charge.vat_basis,
    )
    return _issue(
        kind=Invoice.Kind.SETTLEMENT,
        account=account,
        lines=[line],
        period=month_start(period_start),
        sale_date=period_end,
        due_date=max(charge.due_date, issue_date),
        issue_date=issue_date,
        clerk=clerk,
        audit={"settles": charge.title},
    )


def invoices_credit_for_charges(*, charge_ids, amount, reason: str, clerk=None) -> list:
    """What a water settlement found overpaid, given back on the invoices that billed the
    advances (`charge_ids`): each, newest first, gets a correcting invoice lowering those
    lines until `amount` (gross) is given back; in the caller's transaction. Returns the
    corrections (they may give back less than `amount` if the advances were not invoiced)."""
    charge_ids = set(charge_ids)
    left = amount
    corrections = []
    originals = (
        Invoice.objects.filter(lines__charge_id__in=list(charge_ids), corrects__isnull=True)
        .distinct()
        .order_by("-period", "-pk")
    )
    for invoice in originals:
        if left <= 0:
            break
        lines = current_lines(invoice)
        after = []
        for line in lines:
            cut = min(line.gross, left) if line.charge_id in charge_ids else 0
            left -= cut
            after.append(replace(line, gross=line.gross - cut))
        if after != lines:
            issue_date = timezone.localdate()
            corrections.append(_correct(invoice, after, reason, clerk, issue_date))
    return corrections


def invoices_settlement_undo(*, invoices, reason: str, clerk=None) -> list:
    """Undo what a water settlement did to invoices, when the settlement is corrected: its
    settlement invoice is corrected to nothing, and each correction that gave money back on
    an advance invoice is matched by one that puts those amounts back. In the caller's
    transaction; returns the new corrections."""
    done = []
    today = timezone.localdate()
    for invoice in invoices:
        if invoice.kind == Invoice.Kind.SETTLEMENT:
            done.append(_correct(invoice, [], reason, clerk, today))
            continue
        given_back = {}  # charge id -> (the line before, how much it was lowered)
        after = {line.charge_id: line for line in invoice.lines.filter(state="after")}
        for line in invoice.lines.filter(state="before").select_related("charge"):
            now = after.get(line.charge_id)
            # what the ledger gave back: the rounding posted with it stays on both sides
            cut = line.gross_value - (now.gross_value - now.rounding if now else 0)
            if cut > 0:
                given_back[line.charge_id] = (line, cut)
        lines = current_lines(invoice.corrects)
        restored = [
            replace(x, gross=x.gross + given_back.pop(x.charge_id)[1])
            if x.charge_id in given_back
            else x
            for x in lines
        ]
        for line, cut in given_back.values():  # lines the credit had taken off altogether
            restored.append(
                invoice_vat.Line(
                    description=line.description,
                    quantity=line.quantity,
                    unit=line.unit,
                    gross=cut,
                    vat_rate=line.vat_rate,
                    charge_id=line.charge_id,
                    vat_basis=line.charge.vat_basis if line.charge else "",
                )
            )
        done.append(_correct(invoice.corrects, restored, reason, clerk, today))
    return done


# -- staff: send again, render again -----------------------------------------------------------


def invoice_resend(*, invoice: Invoice, clerk=None) -> int:
    """Tell the tenant about the invoice again (a clerk's explicit request). Returns the
    number of people told."""
    with transaction.atomic(durable=True):
        users = people_of([invoice.account_id]).get(invoice.account_id, (None, []))[1]
        _tell(invoice, invoice.account)
        audit_clerk(clerk, action=Action.CHANGE, obj=invoice, new={"resent_to": len(users)})
    return len(users)


def invoices_pdf_request(*, invoice_ids) -> int:
    """Queue PDFs that are missing (core.pdf_jobs.pdf_again): never rendered, failed, or whose
    file is gone. Returns how many were queued."""
    return sum(
        pdf_again(Invoice, invoice, "billing.invoice_pdf_render")
        for invoice in Invoice.objects.filter(pk__in=list(invoice_ids))
    )


# -- staff: KSeF ---------------------------------------------------------------------------------


def invoices_ksef_queue(*, invoice_ids, clerk=None) -> int:
    """Send the chosen invoices that wait for KSeF now (queued or offline), instead of at the
    sweeper's next round. Returns how many were queued."""
    waiting = Invoice.objects.filter(
        pk__in=list(invoice_ids),
        ksef_status__in=[Invoice.KsefStatus.QUEUED, Invoice.KsefStatus.OFFLINE],
    )
    ids = list(waiting.values_list("pk", flat=True))
    if ids:
        with transaction.atomic(durable=True):
            Invoice.objects.filter(pk__in=ids).update(ksef_claimed_at=None)
            enqueue_on_commit("billing.invoices_ksef_send", ids)
    return len(ids)


def invoices_ksef_rebuild(*, invoice_ids, clerk=None) -> tuple[int, list[str]]:
    """Invoices the schema or KSeF refused were never issued in KSeF: take their seller and
    buyer from the register again (after staff fixed it), rebuild the FA(3) and send it.
    Returns (rebuilt, messages of the ones refused again)."""
    done, refused = 0, []
    for invoice in Invoice.objects.filter(
        pk__in=list(invoice_ids),
        ksef_status__in=[Invoice.KsefStatus.INVALID, Invoice.KsefStatus.REJECTED],
    ).select_related("account__premises__building__community"):
        try:
            buyer = buyer_of(invoice.account)
        except InvoiceError as exc:
            refused.append(f"{invoice.number}: {exc}")
            continue
        seller = seller_of(invoice.account)
        rebuilt = invoice_fa3_rebuild(invoice=invoice, seller=seller, buyer=buyer)
        audit_clerk(
            clerk,
            action=Action.CHANGE,
            obj=rebuilt,
            new={"ksef": "rebuilt", "ksef_status": rebuilt.ksef_status},
        )
        if rebuilt.ksef_status == Invoice.KsefStatus.INVALID:
            refused.append(f"{invoice.number}: {rebuilt.ksef_error}")
        else:
            done += 1
    return done, refused
