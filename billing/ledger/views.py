"""Resident pages of the ledger: balance, current charges, history (CSV, PDF). Every page reads
one of the user's own accounts or gets a 404, and reads the account's summary, its open items and
at most a year of entries (the downloads of all years excepted)."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from billing.ledger import account_statement_pdf, history_csv, queries
from billing.ledger.balances import ZERO
from billing.ledger.chart import balance_chart
from billing.ledger.deadlines import deadline
from billing.ledger.forms import HistoryFilterForm
from billing.ledger.summary import summarize

CHART_MONTHS = 24


def account_page(request, template, account, state, **context):
    """A page of one account, with its balance summary and the date the data is as of."""
    return render(
        request,
        template,
        {
            "account": account,
            "summary": summarize(state),
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
    rows = [(account, summarize(state)) for account, state in queries.states_for_user(request.user)]
    return render(
        request, "billing/index.html", {"rows": rows, "data_as_of": queries.data_as_of()}
    )


@login_required
def balance(request, pk):
    account, state = queries.get_account_state_for_user(request.user, pk)
    points = queries.month_end_points(account, state.balance, state.today, CHART_MONTHS)
    return account_page(
        request, "billing/balance.html", account, state, chart=balance_chart(points)
    )


@dataclass
class MonthCharge:
    charge: object
    amount: Decimal
    unpaid: Decimal

    @property
    def due_date(self):
        return self.charge.due_date

    @property
    def deadline(self):
        return deadline(self.charge.due_date)


@login_required
def current(request, pk):
    account, state = queries.get_account_state_for_user(request.user, pk)
    today = state.today
    month = today.replace(day=1)
    this_month = [
        MonthCharge(charge, amount, state.unpaid_of(charge.pk))
        for charge, amount in queries.month_charges(account, month)
    ]
    shown = {item.charge.pk for item in this_month}
    earlier = [s for s in state.unpaid if s.charge.pk not in shown and s.due_date < month]
    return account_page(
        request,
        "billing/current.html",
        account,
        state,
        today=today,
        month=month,
        this_month=this_month,
        month_total=sum((s.amount for s in this_month), ZERO),
        month_unpaid=sum((s.unpaid for s in this_month), ZERO),
        earlier=earlier,
    )


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
    account, state = queries.get_account_state_for_user(request.user, pk)
    form, hist = _history(request, account, state, all_years=False)
    return account_page(request, "billing/history.html", account, state, form=form, history=hist)


def _export_history(request, pk):
    account, state = queries.get_account_state_for_user(request.user, pk)
    form, hist = _history(request, account, state, all_years=True)
    if form.is_bound and not form.is_valid():
        raise Http404
    return account, state, hist


@login_required
def history_export_csv(request, pk):
    account, _state, hist = _export_history(request, pk)
    return _download(*history_csv.render(account, hist))


@login_required
def history_export_pdf(request, pk):
    account, state, hist = _export_history(request, pk)
    return _download(*account_statement_pdf.render(account, hist, summarize(state)))
