"""Reads of the resident's account pages, scoped to the user's own accounts: the access-checked
account with its total, and what the pages show beyond the balance (this month's charges, a
year of entries with the balance carried in, the chart's month ends, interest on late payments).
A page reads the account's summary row, its open items and at most a year of entries: never the
whole history (the downloads of all years excepted)."""

from datetime import date
from decimal import Decimal

from django.db.models import F, Min, Q, Sum, Window
from django.http import Http404
from django.utils import timezone

from accounts.models import Account
from accounts.queries import account_of_user, accounts_for_user
from accounts.register_cache import cached_accounts_for_user
from billing.account.history import History, entries_of
from billing.account.models import StatementPdf
from billing.ledger.balances import ZERO, fold_corrections, rate_schedule
from billing.ledger.late_interest import LateInterest, claim_start, late_interest
from billing.ledger.models import Charge, LedgerMonth, Payment
from billing.ledger.open_items import from_grosze
from billing.ledger.queries import NO_TOTAL, Total, account_state_of, interest_rates, states_of
from core.dates import month_start, next_month, previous_month


def get_account_total_for_user(user, account_pk):
    """(account, Total) of one of the user's accounts, or 404. The access check and the total
    are one query of three tables, always against the register; the account's premises and
    building come from the user's cached list of accounts (register_cache), which is retired
    whenever the register changes, or from a second query when the list does not hold it."""
    # None in a column: the account has no LedgerTotal row yet (an outer join).
    row: tuple[int | None, int | None, int | None] | None = (
        Account.objects.active()
        .with_current_access(user)
        .filter(pk=account_pk)
        .order_by()
        .values_list("ledger_total__charged", "ledger_total__paid", "ledger_total__changes")
        .first()
    )
    if row is None:
        raise Http404
    account = next((a for a in cached_accounts_for_user(user) if a.pk == account_pk), None)
    if account is None:  # the list was cached before this access was granted, as it commits
        account = account_of_user(user, account_pk)
        if account is None:
            raise Http404
    charged, paid, changes = row
    if charged is None or paid is None or changes is None:  # nothing posted yet
        return account, NO_TOTAL
    return account, Total(from_grosze(charged), from_grosze(paid), changes)


def get_account_state_for_user(user, account_pk, today=None):
    """(account, AccountState) of one of the user's accounts, or 404."""
    account = account_of_user(user, account_pk)
    if account is None:
        raise Http404
    return account, account_state_of(account, today)


def states_for_user(user, today=None) -> list:
    """[(account, AccountState)] of all the user's active accounts."""
    return states_of(list(accounts_for_user(user)), today)


def late_interest_of(account, today=None) -> LateInterest:
    """Interest owed on the payments of the claim period that paid charges late
    (billing/ledger/late_interest.py): two aggregate queries of the summary, then the charges
    from the first month not paid before the period and the period's payments; never the older
    history."""
    today = today or timezone.localdate()
    since = claim_start(today)
    rates = interest_rates()
    if not rates:
        return LateInterest(since=since, parts=())
    months = LedgerMonth.objects.filter(account=account, month__lt=since)
    before = months.aggregate(charged=Sum("charged"), paid=Sum("paid"))
    paid_before, charged_before = before["paid"] or 0, before["charged"] or 0
    # The first month whose charges were not all paid before the claim period.
    first_open = (
        months.annotate(through=Window(Sum("charged"), order_by=F("month").asc()))
        .filter(through__gt=paid_before)
        .order_by("month")
        .values_list("month", "through", "charged")
        .first()
    )
    start = since
    if first_open is not None:
        start, through, charged = first_open
        charged_before = through - charged
    charges = Charge.objects.filter(account=account, due_date__gte=start).order_by("due_date", "pk")
    payments = Payment.objects.filter(account=account, paid_on__gte=since)
    return late_interest(
        list(charges),
        list(payments.order_by("paid_on", "pk")),
        paid_before=from_grosze(paid_before - charged_before),
        schedule=rate_schedule(rates),
        since=since,
    )


def month_charges(account, month: date) -> list:
    """[(charge, amount with its corrections)] of the charges for `month` (by their period,
    or by their due date when they have none)."""
    following = next_month(month)
    charges = Charge.objects.filter(account=account).filter(
        Q(period=month) | Q(period__isnull=True, due_date__gte=month, due_date__lt=following)
    )
    return fold_corrections(list(charges.order_by("due_date", "pk")))


def years_of_account(account, today: date) -> tuple[list, dict]:
    """(the years that have entries, newest first, this year in any case; {year: paid −
    charged from that year's first day on, in grosze}), in one query of the summary."""
    this_year = date(today.year, 1, 1)
    sums = LedgerMonth.objects.filter(account=account).aggregate(
        first=Min("month"),
        charged=Sum("charged", filter=Q(month__gte=this_year)),
        paid=Sum("paid", filter=Q(month__gte=this_year)),
    )
    oldest = min(sums["first"].year, today.year) if sums["first"] else today.year
    later = {today.year: (sums["paid"] or 0) - (sums["charged"] or 0)}
    return list(range(today.year, oldest - 1, -1)), later


def _from_year_on(account, year: int) -> int:
    """paid − charged of the months from `year` on, in grosze."""
    sums = LedgerMonth.objects.filter(account=account, month__gte=date(year, 1, 1)).aggregate(
        charged=Sum("charged"), paid=Sum("paid")
    )
    return (sums["paid"] or 0) - (sums["charged"] or 0)


def year_history(account, balance: Decimal, year: int, later: dict | None = None) -> History:
    """One year's entries with the balance carried in: the year's rows, and the sum of the
    summary's months from the year on (unless `later` has it already)."""
    first, following = date(year, 1, 1), date(year + 1, 1, 1)
    from_year_on = (later or {}).get(year)
    if from_year_on is None:
        from_year_on = _from_year_on(account, year)
    opening = balance - from_grosze(from_year_on)
    charges = Charge.objects.filter(account=account, due_date__gte=first, due_date__lt=following)
    payments = Payment.objects.filter(account=account, paid_on__gte=first, paid_on__lt=following)
    entries = entries_of(list(charges), list(payments), opening=opening)
    return History(entries=entries, opening=opening, year=year)


def whole_history(account) -> History:
    """Every entry of the account: for the downloads of all years only."""
    charges = list(Charge.objects.filter(account=account))
    payments = list(Payment.objects.filter(account=account))
    return History(entries=entries_of(charges, payments), opening=ZERO, year=None)


def month_end_points(account, balance: Decimal, today: date, months: int) -> list:
    """[(first day of the month, balance at its end)] for the last `months` months, from the
    summary's months. The current month ends with everything dated in it, due yet or not, so
    its bar is the balance the page's headline shows (less any entry dated in a later month)."""
    window = [month_start(today)]
    for _i in range(months - 1):
        window.insert(0, previous_month(window[0]))
    changes = {
        row["month"]: row["paid"] - row["charged"]
        for row in LedgerMonth.objects.filter(account=account, month__gt=window[0]).values(
            "month", "paid", "charged"
        )
    }
    later = sum((v for m, v in changes.items() if m > window[-1]), 0)
    points, end_balance = [], balance - from_grosze(later)
    for month in reversed(window):
        points.append((month, end_balance))
        end_balance -= from_grosze(changes.get(month, 0))
    points.reverse()
    return points


def get_statement_for_user(user, pk):
    """A PDF statement the user asked for, of an account they still hold, or 404."""
    row = (
        StatementPdf.objects.filter(
            pk=pk, requested_by=user, account__in=accounts_for_user(user).values("pk")
        )
        .select_related("account")
        .first()
    )
    if row is None:
        raise Http404
    return row
