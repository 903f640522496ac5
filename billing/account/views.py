"""The resident's account pages: balance, current charges, history (CSV, PDF). Every page reads
one of the user's own accounts or gets a 404, and reads the account's summary, its open items and
at most a year of entries (the downloads of all years excepted)."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from billing.account import history_csv, queries, services
from billing.account.chart import balance_chart
from billing.account.forms import HistoryFilterForm
from billing.account.models import StatementPdf
from billing.account.page_cache import cache_context, lazy_context, page_key
from billing.bank.queries import data_as_of
from billing.ledger.balances import ZERO, Deadlined
from billing.ledger.models import Charge
from billing.ledger.queries import state_of
from billing.ledger.summary import summarize
from core.downloads import download_view
from core.pdf_jobs import pdf_stored, stored_pdf_or_again

CHART_MONTHS = 24


def account_page(request, template, account, total, build, names, variant="", cache=True):
    """A page of one account: its content cached under page_cache.page_key, and `names` (what
    `build()` returns, with the balance summary among them) computed only when it is not."""
    key = page_key(template, account, total, variant) if cache else None
    return render(
        request,
        template,
        {
            "account": account,
            "show_interest": settings.BILLING_SHOW_INTEREST,
            "data_as_of": data_as_of(),
            **cache_context(key),
            **lazy_context(build, names),
        },
    )


def _download(filename, content_type, content):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def index(request):
    rows = [(account, summarize(state)) for account, state in queries.states_for_user(request.user)]
    return render(request, "billing/index.html", {"rows": rows, "data_as_of": data_as_of()})


@login_required
def balance(request, pk):
    account, total = queries.get_account_total_for_user(request.user, pk)

    def build():
        state = state_of(account, total)
        points = queries.month_end_points(account, state.balance, state.today, CHART_MONTHS)
        late = queries.late_interest_of(account, state.today)
        return {"summary": summarize(state), "chart": balance_chart(points), "late": late}

    return account_page(
        request, "billing/balance.html", account, total, build, ["summary", "chart", "late"]
    )


@dataclass
class MonthCharge(Deadlined):
    charge: Charge
    amount: Decimal
    unpaid: Decimal


CURRENT = ["summary", "today", "month", "this_month", "month_total", "month_unpaid", "earlier"]


@login_required
def current(request, pk):
    account, total = queries.get_account_total_for_user(request.user, pk)

    def build():
        state = state_of(account, total)
        today = state.today
        month = today.replace(day=1)
        this_month = [
            MonthCharge(charge, amount, state.unpaid_of(charge.pk))
            for charge, amount in queries.month_charges(account, month)
        ]
        shown = {item.charge.pk for item in this_month}
        return {
            "summary": summarize(state),
            "today": today,
            "month": month,
            "this_month": this_month,
            "month_total": sum((s.amount for s in this_month), ZERO),
            "month_unpaid": sum((s.unpaid for s in this_month), ZERO),
            "earlier": [s for s in state.unpaid if s.charge.pk not in shown and s.due_date < month],
        }

    return account_page(request, "billing/current.html", account, total, build, CURRENT)


def _history(request, account, state, *, all_years):
    today = state.today
    years, later = queries.years_of_account(account, today)
    form = HistoryFilterForm(
        request.GET or None, years=years, default=today.year, all_years=all_years
    )
    year = form.year()
    if year is None:
        return form, queries.whole_history(account)
    return form, queries.year_history(account, state.balance, year, later)


@login_required
def history(request, pk):
    account, total = queries.get_account_total_for_user(request.user, pk)
    chosen = request.GET.get("rok", "")

    def build():
        state = state_of(account, total)
        form, hist = _history(request, account, state, all_years=False)
        return {"summary": summarize(state), "form": form, "history": hist}

    # Cached per chosen year; anything else typed into the address is computed each time.
    cacheable = set(request.GET) <= {"rok"} and (not chosen or chosen.isdigit())
    return account_page(
        request,
        "billing/history.html",
        account,
        total,
        build,
        ["summary", "form", "history"],
        variant=chosen,
        cache=cacheable,
    )


@download_view
@login_required
def history_export_csv(request, pk):
    account, state = queries.get_account_state_for_user(request.user, pk)
    form, hist = _history(request, account, state, all_years=True)
    if form.is_bound and not form.is_valid():
        raise Http404
    return _download(*history_csv.render(account, hist))


@require_safe  # asking twice gives the same statement (services.statement_request)
@login_required
def history_export_pdf(request, pk):
    """Ask for the PDF statement of a year or of all years: the worker draws it, the person
    waits on the statement's page (3–4 s of WeasyPrint at 10 years does not fit a request)."""
    account, _total = queries.get_account_total_for_user(request.user, pk)
    today = timezone.localdate()
    years, _later = queries.years_of_account(account, today)
    form = HistoryFilterForm(request.GET or None, years=years, default=today.year, all_years=True)
    if form.is_bound and not form.is_valid():
        raise Http404
    row = services.statement_request(
        user=request.user, account=account, year=form.year(), today=today
    )
    return redirect("billing:statement", pk=row.pk)


@login_required
@require_safe
def statement(request, pk):
    """A statement's page: "being prepared" refreshing itself (no JavaScript) until the worker
    has drawn it, then its download."""
    row = queries.get_statement_for_user(request.user, pk)
    if row.pdf_status == StatementPdf.PdfStatus.DONE and not pdf_stored(row):
        services.statement_pdf_again(statement_id=row.pk)  # its file is gone: draw it again
        row.refresh_from_db()
    return render(
        request,
        "billing/statement.html",
        {
            "statement": row,
            "account": row.account,
            "ready": pdf_stored(row),
            "refresh": row.in_progress,
            "data_as_of": data_as_of(),
        },
    )


@download_view
@login_required
def statement_pdf(request, pk):
    row = queries.get_statement_for_user(request.user, pk)
    response = stored_pdf_or_again(
        row,
        services.filename_of(row),
        lambda: services.statement_pdf_again(statement_id=row.pk),
    )
    return response or redirect("billing:statement", pk=row.pk)
