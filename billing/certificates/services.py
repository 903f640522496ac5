"""Certificates of no arrears: issued at once when the ledger shows nothing overdue, refused
(with what is overdue) otherwise; the PDF is rendered by a worker from the row (claimed with a
conditional UPDATE, swept when stuck); staff may revoke one with a reason.

A resident asking twice on the same day for the same account gets the same certificate: a
double submit does not use up a number.
"""


from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Account
from audit.services import Action, audit_clerk
from billing.certificates.models import Certificate, CertificateCounter
from billing.ledger.queries import account_state_of
from core.enqueue import enqueue_on_commit
from core.pdf_documents import document_pdf
from core.pdf_jobs import pdf_make, pdfs_sweep


class CertificateError(Exception):
    pass


class CertificateRefused(CertificateError):
    """Something is overdue; `overdue` lists the ledger's overdue charge states."""

    def __init__(self, overdue):
        super().__init__(_("The account has overdue charges, so a certificate cannot be issued."))
        self.overdue = overdue


def overdue_of(ledger):
    return [state for state in ledger.unpaid if state.is_overdue(ledger.today)]


def _next_number(series, year):
    CertificateCounter.objects.bulk_create(
        [CertificateCounter(series=series, year=year)], ignore_conflicts=True
    )
    counter = CertificateCounter.objects.select_for_update().get(series=series, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number, f"{series}/{year}/{counter.last_number:04d}"


def certificate_request(*, user, account: Account, now=None) -> Certificate:
    """Issue a certificate for one of the user's accounts (the caller checked access)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic(durable=True):
        # One issue per account at a time: a double submit waits and then finds the first.
        Account.objects.select_for_update().filter(pk=account.pk).first()
        ledger = account_state_of(account, today)
        overdue = overdue_of(ledger)
        if overdue:
            raise CertificateRefused(overdue)
        existing = Certificate.objects.filter(
            account=account, issued_on=today, revoked_at__isnull=True, balance=ledger.balance
        ).first()
        if existing:
            return existing
        series = settings.CERTIFICATE_SERIES
        sequence, number = _next_number(series, today.year)
        premises = account.premises
        certificate = Certificate.objects.create(
            number=number,
            series=series,
            year=today.year,
            sequence=sequence,
            account=account,
            requested_by=user,
            issued_on=today,
            issued_at=now,
            account_number=account.number,
            holder_name=account.holder_name,
            premises_label=f"{premises.building.address}, {premises.number}",
            balance=ledger.balance,
        )
        enqueue_on_commit("billing.certificate_pdf_render", certificate.pk)
    return certificate


def verification_url(certificate: Certificate) -> str:
    path = reverse("billing:verify_code", args=[certificate.verification_code])
    return f"{settings.SITE_URL}{path}"


def render(certificate) -> tuple[str, str, bytes]:
    # Polish whatever the caller's language: an official document.
    with translation.override("pl"):
        html = render_to_string(
            "billing/certificate_pdf.html",
            {
                "certificate": certificate,
                "verify_url": verification_url(certificate),
                "LANGUAGE_CODE": "pl",
                "MANAGER_NAME": settings.MANAGER_NAME,
                "MANAGER_ADDRESS": settings.MANAGER_ADDRESS,
                "MANAGER_PHONE": settings.MANAGER_PHONE,
                "MANAGER_EMAIL": settings.MANAGER_EMAIL,
            },
        )
    return filename_of(certificate), "application/pdf", document_pdf(html)


def filename_of(certificate: Certificate) -> str:
    return "zaswiadczenie-" + certificate.number.replace("/", "-") + ".pdf"


def certificate_pdf_make(*, certificate_id) -> str:
    """Render and store one waiting PDF: "done", "failed" or "skipped"."""
    return pdf_make(
        Certificate,
        certificate_id,
        render,
        lambda row, filename: row._meta.get_field("pdf_file").upload_to(row, filename),
    )


def certificate_pdfs_sweep(*, now=None) -> list[int]:
    """Stuck renders back to pending; the ids of pending rows to nudge."""
    return pdfs_sweep(Certificate, now=now)


def certificate_pdf_again(*, certificate_id) -> bool:
    """A failed render, a stored file that is gone, or one still waiting: queue it (again).
    One being rendered is left to its worker."""
    with transaction.atomic(durable=True):
        changed = Certificate.objects.filter(
            pk=certificate_id,
            pdf_status__in=[
                Certificate.PdfStatus.FAILED,
                Certificate.PdfStatus.DONE,
                Certificate.PdfStatus.PENDING,
            ],
        ).update(pdf_status=Certificate.PdfStatus.PENDING, pdf_error="")  # file: see pdf_make
        if changed:
            enqueue_on_commit("billing.certificate_pdf_render", certificate_id)
    return bool(changed)


def certificate_revoke(*, certificate_id, reason: str, clerk) -> Certificate:
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("Give the reason for revoking the certificate."))
    with transaction.atomic(durable=True):
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        if certificate.revoked_at:
            raise CertificateError(_("The certificate is already revoked."))
        certificate.revoked_at = timezone.now()
        certificate.revoked_by = clerk
        certificate.revoke_reason = reason[:500]
        certificate.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        audit_clerk(
            clerk,
            action=Action.CHANGE,
            obj=certificate,
            old={"revoked_at": None},
            new={"revoked_at": certificate.revoked_at, "revoke_reason": certificate.revoke_reason},
        )
    return certificate
