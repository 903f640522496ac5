"""Resident pages of the ledger: balance, current charges, history (CSV, PDF). Every page reads
one of the user's own accounts or gets a 404."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from billing.ledger import account_statement_pdf, history_csv, queries
from billing.ledger.balances import ZERO
from billing.ledger.chart import balance_chart
from billing.ledger.forms import HistoryFilterForm
from billing.ledger.history import history_for, month_end_balances, years_of
from billing.ledger.summary import summarize

CHART_MONTHS = 24


def account_page(request, template, books, **context):
    """A page of one account, with its balance summary and the date the data is as of."""
    return render(
        request,
        template,
        {
            "account": books.account,
            "summary": summarize(books.ledger),
            "show_interest": settings.BILLING_SHOW_INTEREST,
            "data_as_of": queries.data_as_of(),
            **context,
        },
    )


def _download(filename, content_type, content):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def index(request):
    rows = [
        (account, summarize(ledger)) for account, ledger in queries.ledgers_for_user(request.user)
    ]
    return render(
        request, "billing/index.html", {"rows": rows, "data_as_of": queries.data_as_of()}
    )


@login_required
def balance(request, pk):
    books = queries.get_books_for_user(request.user, pk)
    points = month_end_balances(books.entries, books.ledger.today, CHART_MONTHS)
    return account_page(request, "billing/balance.html", books, chart=balance_chart(points))


@login_required
def current(request, pk):
    books = queries.get_books_for_user(request.user, pk)
    today = books.ledger.today
    month = today.replace(day=1)
    this_month = [
        s for s in books.ledger.charges if (s.charge.period or s.due_date.replace(day=1)) == month
    ]
    shown = {id(s) for s in this_month}
    earlier = [s for s in books.ledger.unpaid if id(s) not in shown and s.due_date < month]
    return account_page(
        request,
        "billing/current.html",
        books,
        today=today,
        month=month,
        this_month=this_month,
        month_total=sum((s.amount for s in this_month), ZERO),
        month_unpaid=sum((s.unpaid for s in this_month), ZERO),
        earlier=earlier,
    )


def _history(request, books):
    entries = books.entries
    today = books.ledger.today
    years = sorted(set(years_of(entries)) | {today.year}, reverse=True)
    form = HistoryFilterForm(request.GET or None, years=years, default=today.year)
    return form, history_for(entries, form.year())


@login_required
def history(request, pk):
    books = queries.get_books_for_user(request.user, pk)
    form, hist = _history(request, books)
    return account_page(request, "billing/history.html", books, form=form, history=hist)


def _export_history(request, pk):
    books = queries.get_books_for_user(request.user, pk)
    form, hist = _history(request, books)
    if form.is_bound and not form.is_valid():
        raise Http404
    return books, hist


@login_required
def history_export_csv(request, pk):
    books, hist = _export_history(request, pk)
    return _download(*history_csv.render(books.account, hist))


@login_required
def history_export_pdf(request, pk):
    books, hist = _export_history(request, pk)
    return _download(*account_statement_pdf.render(books.account, hist, summarize(books.ledger)))
