"""Invoices into KSeF: the FA(3) document is built and checked when an invoice is issued, and a
worker sends what waits, in one session per batch.

States (Invoice.KsefStatus):
  issued → invalid   the XML fails the official schema: never sent; staff see the schema's
                     words and, once the register is fixed, rebuild and send it again;
         → off       KSEF_ENV=off: nothing is sent;
         → seller    a community e-BOK holds no KSeF context for issues its own invoices in
                     KSeF: e-BOK never sends this one and its PDF carries no KSeF code;
         → queued → sent → accepted (KSeF number and UPO stored)
                         → rejected (KSeF's code and reason for staff; rebuild and send again)
  queued → offline   KSeF could not be reached: the invoice stands as issued offline (offline24,
                     art. 106nda), its PDF gets OFFLINE and KOD II, and it must reach KSeF by
                     the next working day after its issue date (`offline_until`); the sweeper
                     sends it with offlineMode=true as soon as KSeF answers.
Each seller's invoices are sent in its own context and session (ksef_contexts.py): the
manager's, or a community's under the permission it granted the manager in KSeF.
A correcting invoice waits until the invoice it corrects has its KSeF number (tryby-offline.md).
A worker claims rows with a conditional UPDATE (ksef_claimed_at), so two workers never send the
same invoice; a claim older than CLAIM_EXPIRES is free again.
"""

import hashlib
import logging
import time
from datetime import timedelta
from itertools import groupby

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from billing.invoices.fa3.build import Fa3Error, fa3_xml
from billing.invoices.fa3.schema import fa3_errors
from billing.invoices.ksef_codes import certificate_link, offline_certificate_from
from billing.invoices.ksef_contexts import KsefContext, context_for, sellers_sent
from billing.invoices.models import Invoice, InvoiceXml
from billing.ksef.client import KsefClient, KsefError, KsefUnavailable
from billing.ksef.environments import environment
from billing.ledger.deadlines import deadline
from core.enqueue import enqueue_on_commit
from core.pdf_jobs import pdf_redo as redraw

log = logging.getLogger(__name__)
Status = Invoice.KsefStatus
CLAIM_EXPIRES = timedelta(minutes=10)
BATCH = 100
STATUS_POLLS = 10  # KSeF usually numbers an invoice within seconds
POLL_PAUSE = 1.0
DUPLICATE = 440
SYSTEM_FAILURE = {500, 550}


def ksef_on() -> bool:
    return settings.KSEF_ENV != "off"


def qr_url() -> str | None:
    env = environment(settings.KSEF_ENV)
    return env.qr_url if env else None


def ksef_client(context: KsefContext) -> KsefClient:
    env = environment(settings.KSEF_ENV)
    return KsefClient(
        api_url=settings.KSEF_API_URL or env.api_url,
        nip=context.nip,
        token=context.token,
        timeout=settings.KSEF_TIMEOUT,
    )


def offline_certificate():
    return offline_certificate_from(
        settings.KSEF_OFFLINE_CERT, settings.KSEF_OFFLINE_KEY, settings.KSEF_OFFLINE_KEY_PASSWORD
    )


# -- building --------------------------------------------------------------------------------


def _built(invoice: Invoice) -> bytes:
    return fa3_xml(invoice, list(invoice.lines.all()), list(invoice.rate_totals.all()))


def _store(invoice: Invoice, xml: bytes) -> InvoiceXml:
    document, _new = InvoiceXml.objects.update_or_create(
        invoice=invoice,
        defaults={
            "xml": xml,
            "sha256": hashlib.sha256(xml).hexdigest(),
            "built_at": timezone.now(),
        },
    )
    return document


def fa3_prepare(invoice: Invoice) -> InvoiceXml:
    """Build the invoice's FA(3) XML, store it byte for byte and decide what happens next.
    Runs in the issuing transaction, after the lines and totals are saved."""
    try:
        xml = _built(invoice)
        errors = fa3_errors(xml)
    except Fa3Error as exc:
        xml, errors = b"", [str(exc)]
    document = _store(invoice, xml)
    if errors:
        invoice.ksef_status, invoice.ksef_error = Status.INVALID, "\n".join(errors)
    elif not ksef_on():
        invoice.ksef_status, invoice.ksef_error = Status.OFF, ""
    elif context_for(invoice.seller_nip) is None:
        invoice.ksef_status, invoice.ksef_error = Status.SELLER, ""
    else:
        invoice.ksef_status, invoice.ksef_error = Status.QUEUED, ""
        enqueue_on_commit("billing.invoices_ksef_send")
    invoice.save(update_fields=["ksef_status", "ksef_error"])
    return document


# -- sending ---------------------------------------------------------------------------------


def _claim(ids=None, now=None) -> list[int]:
    """Claim up to BATCH invoices waiting to be sent (queued or offline); corrections only
    once their original has its KSeF number."""
    now = now or timezone.now()
    waiting = (
        _waiting(now)
        .filter(Q(corrects__isnull=True) | Q(corrects__ksef_status=Status.ACCEPTED))
        .filter(seller_nip__in=sellers_sent())
    )
    if ids is not None:
        waiting = waiting.filter(pk__in=list(ids))
    with transaction.atomic():
        pks = list(
            waiting.select_for_update(skip_locked=True, of=("self",))
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        Invoice.objects.filter(pk__in=pks).update(ksef_claimed_at=now)
    return pks


def _go_offline(invoice: Invoice, reason: str) -> None:
    """KSeF did not answer: the invoice stands as issued offline, with its deadline and KOD II."""
    fields = {"ksef_error": reason[:2000], "ksef_claimed_at": None}
    if invoice.ksef_status == Status.QUEUED:
        fields["ksef_status"] = Status.OFFLINE
        fields["offline_until"] = deadline(invoice.issue_date + timedelta(days=1))
        certificate = offline_certificate()
        if certificate is not None:
            # Sent in the seller's own context: the context NIP is the seller's.
            fields["offline_code_url"] = certificate_link(
                qr_url(), invoice.seller_nip, invoice.seller_nip, certificate, invoice.fa3.xml
            )
    Invoice.objects.filter(pk=invoice.pk).update(**fields)
    if fields.get("ksef_status") == Status.OFFLINE:
        pdf_redo(invoice.pk)


def pdf_redo(invoice_id: int) -> None:
    """The PDF again, now that its KSeF label or codes changed."""
    redraw(Invoice, invoice_id, "billing.invoice_pdf_render")


def _accepted(invoice: Invoice, ksef_number: str, upo: bytes | None) -> None:
    with transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(
            ksef_status=Status.ACCEPTED,
            ksef_number=ksef_number,
            ksef_accepted_at=timezone.now(),
            ksef_error="",
            ksef_claimed_at=None,
        )
        if upo is not None:
            InvoiceXml.objects.filter(invoice_id=invoice.pk).update(upo=upo)
        pdf_redo(invoice.pk)


def _outcome(client, invoice: Invoice, session_ref: str, invoice_ref: str) -> str:
    """Ask KSeF what became of a sent invoice; store the number and UPO, or the rejection.
    Still being processed (100, 150): it stays sent, asked again later. Returns its status."""
    status = client.invoice_status(session_ref, invoice_ref)
    original = (status.extensions or {}).get("originalKsefNumber")
    if status.accepted and status.ksef_number:
        _accepted(invoice, status.ksef_number, client.invoice_upo(session_ref, status.ksef_number))
        return Status.ACCEPTED
    if status.code == DUPLICATE and original:
        # Sent before and accepted, its answer lost (a worker died): it is that invoice.
        _accepted(invoice, original, None)
        return Status.ACCEPTED
    if status.code in SYSTEM_FAILURE:
        # KSeF failed to process it: it is not in KSeF; send it again.
        Invoice.objects.filter(pk=invoice.pk).update(
            ksef_status=Status.QUEUED,
            ksef_error=f"{status.code}: {status.description}"[:2000],
            ksef_claimed_at=None,
        )
        return Status.QUEUED
    if status.code >= 400:
        reason = " ".join([f"{status.code}: {status.description}", *status.details])
        Invoice.objects.filter(pk=invoice.pk).update(
            ksef_status=Status.REJECTED, ksef_error=reason[:2000], ksef_claimed_at=None
        )
        return Status.REJECTED
    return Status.SENT


def _refresh_corrected_number(invoice: Invoice) -> None:
    """A correction built before its original had a KSeF number says NrKSeFN; it is not in
    KSeF yet, so it is rebuilt to name the number now known (and its PDF with it)."""
    original = invoice.corrects
    if original is None or not original.ksef_number:
        return
    if original.ksef_number.encode() in bytes(invoice.fa3.xml):
        return
    invoice.fa3 = _store(invoice, _built(invoice))
    pdf_redo(invoice.pk)


def _unsent_parked() -> None:
    """Queued invoices of a seller e-BOK holds no KSeF context for (issued before this state
    existed, or its token withdrawn): the community issues its own, so they are never sent and
    their PDFs lose the KSeF code."""
    parked = list(
        Invoice.objects.filter(ksef_status=Status.QUEUED)
        .exclude(seller_nip__in=sellers_sent())
        .values_list("pk", flat=True)
    )
    if parked:
        Invoice.objects.filter(pk__in=parked, ksef_status=Status.QUEUED).update(
            ksef_status=Status.SELLER, ksef_error="", ksef_claimed_at=None
        )
        for pk in parked:
            pdf_redo(pk)


def invoices_ksef_send(*, ids=None, poll_pause: float = POLL_PAUSE) -> dict:
    """Send what waits, one session per seller's context: {"sent": n, "accepted": n, ...}."""
    if not ksef_on():
        return {}
    _unsent_parked()
    pks = _claim(ids)
    if not pks:
        return {}
    invoices = list(
        Invoice.objects.filter(pk__in=pks)
        .select_related("fa3", "corrects")
        .order_by("seller_nip", "pk")
    )
    for invoice in invoices:
        if invoice.ksef_status == Status.QUEUED:
            _refresh_corrected_number(invoice)
    try:
        for seller_nip, group in groupby(invoices, key=lambda invoice: invoice.seller_nip):
            _send_in_context(context_for(seller_nip), list(group), poll_pause)
    except KsefUnavailable as exc:
        log.warning("KSeF unavailable: %s", exc)
        unsent = set(
            Invoice.objects.filter(
                pk__in=pks, ksef_status__in=[Status.QUEUED, Status.OFFLINE]
            ).values_list("pk", flat=True)
        )
        for invoice in invoices:
            if invoice.pk in unsent:
                _go_offline(invoice, str(exc))
        raise
    finally:
        # What is still sent-and-unnumbered is the sweeper's to ask about.
        Invoice.objects.filter(pk__in=pks, ksef_status=Status.SENT).update(ksef_claimed_at=None)
    counts = dict.fromkeys(Status.values, 0)
    for status in Invoice.objects.filter(pk__in=pks).values_list("ksef_status", flat=True):
        counts[status] += 1
    return {k: v for k, v in counts.items() if v}


def _send_in_context(context: KsefContext, invoices: list[Invoice], poll_pause: float) -> None:
    """One seller's invoices in one session of its context. KsefUnavailable goes up to the
    caller (the whole round goes offline); KSeF refusing the session stays with this seller."""
    pks = [invoice.pk for invoice in invoices]
    client = ksef_client(context)
    sent = []
    try:
        client.authenticate()
        session = client.open_session()
        for invoice in invoices:
            offline = invoice.ksef_status == Status.OFFLINE
            try:
                reference = client.send_invoice(session, bytes(invoice.fa3.xml), offline=offline)
            except KsefUnavailable:
                raise
            except KsefError as exc:
                Invoice.objects.filter(pk=invoice.pk).update(
                    ksef_status=Status.REJECTED,
                    ksef_error=f"{exc.code}: {exc.description}"[:2000],
                    ksef_claimed_at=None,
                    ksef_attempts=invoice.ksef_attempts + 1,
                )
                continue
            Invoice.objects.filter(pk=invoice.pk).update(
                ksef_status=Status.SENT,
                ksef_session=session.reference_number,
                ksef_reference=reference,
                ksef_sent_at=timezone.now(),
                ksef_attempts=invoice.ksef_attempts + 1,
                ksef_error="",
            )
            sent.append((invoice, reference))
        for _poll in range(STATUS_POLLS):
            sent = [
                (invoice, reference)
                for invoice, reference in sent
                if _outcome(client, invoice, session.reference_number, reference) == Status.SENT
            ]
            if not sent:
                break
            time.sleep(poll_pause)
        client.close_session(session)
    except KsefUnavailable:
        raise
    except KsefError as exc:
        # KSeF refused the session itself (a revoked token, no permission in this seller's
        # context): nothing was sent; staff see why on each waiting invoice, and the sweeper
        # tries again.
        log.error("KSeF refused the session in the context of NIP %s: %s", context.nip, exc)
        Invoice.objects.filter(
            pk__in=pks, ksef_status__in=[Status.QUEUED, Status.OFFLINE]
        ).update(ksef_error=f"KSeF: {exc}"[:2000], ksef_claimed_at=None)
    finally:
        client.close()


def invoices_ksef_check(*, now=None) -> int:
    """Sent invoices KSeF has not numbered yet: ask again (the sweeper). Returns how many."""
    now = now or timezone.now()
    sent = list(
        Invoice.objects.filter(ksef_status=Status.SENT, ksef_sent_at__lt=now - timedelta(minutes=1))
        .filter(_unclaimed(now))
        .order_by("pk")[:BATCH]
    )
    if not sent:
        return 0
    sent.sort(key=lambda invoice: (invoice.seller_nip, invoice.pk))
    for seller_nip, group in groupby(sent, key=lambda invoice: invoice.seller_nip):
        context = context_for(seller_nip)
        if context is None:  # its token withdrawn since: nothing to ask KSeF with
            continue
        with ksef_client(context) as client:
            client.authenticate()
            for invoice in group:
                _outcome(client, invoice, invoice.ksef_session, invoice.ksef_reference)
    return len(sent)


def _unclaimed(now) -> Q:
    """No live worker holds it: a claim older than CLAIM_EXPIRES belonged to one that died."""
    return Q(ksef_claimed_at__isnull=True) | Q(ksef_claimed_at__lt=now - CLAIM_EXPIRES)


def _waiting(now):
    """Queued or offline invoices no worker holds."""
    return Invoice.objects.filter(ksef_status__in=[Status.QUEUED, Status.OFFLINE]).filter(
        _unclaimed(now)
    )


def invoices_ksef_waiting_ids() -> list[int]:
    """Ids the sweeper sends: queued or offline, unclaimed or with a dead claim."""
    return list(_waiting(timezone.now()).order_by("pk").values_list("pk", flat=True)[:BATCH])


def invoice_fa3_rebuild(*, invoice: Invoice, seller: dict, buyer: dict) -> Invoice:
    """A rejected or schema-invalid invoice, which KSeF never accepted and so was never
    legally issued, with its parties taken again from the register (after staff fixed them):
    its FA(3) is rebuilt, checked and queued once more."""
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.ksef_status not in (Status.INVALID, Status.REJECTED):
            raise ValueError("only an invalid or rejected invoice is rebuilt")
        for name, value in {**seller, **buyer}.items():
            setattr(invoice, name, value)
        invoice.ksef_claimed_at = None
        invoice.save()
        fa3_prepare(invoice)
        pdf_redo(invoice.pk)
    return invoice
