"""The PDF account statement, drawn by a worker (3–4 s of WeasyPrint at 10 years is too long
for a web request): a request stores a StatementPdf row and queues its render after commit.

Asking again for the same account, year, day and language reuses the row while it is waiting
or rendering, and reuses a drawn one while the ledger has not changed since (LedgerTotal's
version moves with every posting; the day fixes what is overdue), so a resident who clicks
twice, or comes back for the same statement, costs one render. Rows are the person's own:
another user asking for the same account gets a row of their own. The sweeper gives back
stuck renders and deletes rows, with their files, older than KEEP_FOR."""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation

from billing.account import account_statement_pdf, queries
from billing.account.models import StatementPdf
from billing.ledger.models import LedgerTotal
from billing.ledger.queries import account_state_of
from billing.ledger.summary import summarize
from core.enqueue import enqueue_on_commit
from core.pdf_jobs import pdf_make, pdf_stored, pdfs_sweep

RENDER_TASK = "billing.statement_pdf_render"
KEEP_FOR = timedelta(days=2)
SWEEP_DELETE_LIMIT = 1000


def ledger_version(account_id: int) -> str:
    total = LedgerTotal.objects.filter(account_id=account_id).values_list(
        "changes", "charged", "paid"
    )
    row = total.first()
    return ":".join(str(n) for n in row) if row else "0:0:0"


def _reusable(rows: QuerySet[StatementPdf]) -> StatementPdf | None:
    for row in rows.order_by("-issued_at", "-pk")[:3]:
        if row.in_progress or pdf_stored(row):
            return row
    return None


def statement_request(*, user, account, year: int | None, today: date | None = None):
    """The statement of `year` (None: the whole history) of one of the user's accounts (the
    caller checked access): a row waiting, being drawn or drawn already for the same ledger,
    or a new one queued for the worker."""
    today = today or timezone.localdate()
    language = translation.get_language() or "pl"
    version = ledger_version(account.pk)
    same = StatementPdf.objects.filter(
        account=account,
        requested_by=user,
        year=year,
        as_of=today,
        language=language,
        ledger_version=version,
        pdf_status__in=[
            StatementPdf.PdfStatus.PENDING,
            StatementPdf.PdfStatus.RENDERING,
            StatementPdf.PdfStatus.DONE,
        ],
    )
    found = _reusable(same)
    if found is not None:
        return found
    with transaction.atomic():
        row = StatementPdf.objects.create(
            account=account,
            requested_by=user,
            year=year,
            as_of=today,
            language=language,
            ledger_version=version,
        )
        enqueue_on_commit(RENDER_TASK, row.pk)
    return row


def render(row: StatementPdf) -> tuple[str, str, bytes]:
    """The statement's PDF as of its day, in the language it was asked in."""
    account = row.account
    state = account_state_of(account, row.as_of)
    if row.year is None:
        history = queries.whole_history(account)
    else:
        _years, later = queries.years_of_account(account, row.as_of)
        history = queries.year_history(account, state.balance, row.year, later)
    with translation.override(row.language):
        return account_statement_pdf.render(account, history, summarize(state))


def filename_of(row: StatementPdf) -> str:
    return f"wyciag-{row.account.number}-{row.year or 'calosc'}.pdf"


def statement_pdf_make(*, statement_id: int) -> str:
    """Render and store one waiting statement: "done", "failed" or "skipped"."""
    return pdf_make(
        StatementPdf,
        statement_id,
        render,
        lambda row, filename: row._meta.get_field("pdf_file").upload_to(row, filename),
        related=("account__premises__building__community",),
    )


def statement_pdf_again(*, statement_id: int) -> bool:
    """A drawn statement whose file is gone, or a failed one: queue it once more. One being
    drawn is left to its worker."""
    with transaction.atomic():
        changed = StatementPdf.objects.filter(
            pk=statement_id,
            pdf_status__in=[StatementPdf.PdfStatus.FAILED, StatementPdf.PdfStatus.DONE],
        ).update(pdf_status=StatementPdf.PdfStatus.PENDING, pdf_error="")
        if changed:
            enqueue_on_commit(RENDER_TASK, statement_id)
    return bool(changed)


def statement_pdfs_sweep(*, now: datetime | None = None) -> list[int]:
    """Delete statements older than KEEP_FOR with their files; stuck renders back to pending.
    Returns the ids of pending rows to nudge."""
    now = now or timezone.now()
    old = list(
        StatementPdf.objects.filter(issued_at__lt=now - KEEP_FOR)
        .exclude(pdf_status=StatementPdf.PdfStatus.RENDERING)
        .order_by("pk")[:SWEEP_DELETE_LIMIT]
    )
    for row in old:
        if row.pdf_file.name:
            row.pdf_file.storage.delete(row.pdf_file.name)
    StatementPdf.objects.filter(pk__in=[row.pk for row in old]).delete()
    return pdfs_sweep(StatementPdf, now=now)
