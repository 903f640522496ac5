"""Telling residents about their charges: new charges posted, and a reminder before the due date.

Each notice is sent once per account and month (or due date): a `BillingNotice` row is the
durable marker, inserted with ON CONFLICT DO NOTHING … RETURNING in the same transaction as the
notifications, so a retried task, a second run or two workers at once never tell anyone twice.
Who is due a reminder is worked out in SQL aggregates: with payments paying the oldest charges
first, what is unpaid of the charges due on day D is
min(charges due on D, charges due up to D − all payments), as in billing/ledger/balances.py.
"""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import DecimalField, Exists, Min, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.queries import people_of
from billing.ledger.models import Charge, ChargeRun, Payment
from billing.reminders.models import BillingNotice
from core.money import MONEY, money
from core.stored_text import MonthName, StoredText
from messaging import Kind, notify

BATCH = 200


def mark_once(kind: str, day: date, account_ids) -> set[int]:
    """Insert the markers; returns the accounts this call marked (not marked before)."""
    account_ids = list(account_ids)
    if not account_ids:
        return set()
    ops = connection.ops
    table = ops.quote_name(BillingNotice._meta.db_table)
    rows = ", ".join(["(%s, %s, %s, %s)"] * len(account_ids))
    params = []
    now = ops.adapt_datetimefield_value(timezone.now())
    day_value = ops.adapt_datefield_value(day)
    for account_id in account_ids:
        params += [account_id, kind, day_value, now]
    # The table comes from the model and every value is a parameter.
    sql = f"INSERT INTO {table} (account_id, kind, day, sent_at) VALUES {rows} "  # noqa: S608
    sql += "ON CONFLICT DO NOTHING RETURNING account_id"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def _not_marked(kind, day_ref):
    return ~Exists(
        BillingNotice.objects.filter(account_id=OuterRef("account_id"), kind=kind, day=day_ref)
    )


def _batches(values, size=BATCH):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def charges_posted_notify(*, period: date) -> int:
    """Tell the people of each account charged by a charge run for `period`, once. Returns the
    number of accounts told."""
    kind = BillingNotice.Kind.CHARGES_POSTED
    rows = (
        Charge.objects.filter(period=period, run__isnull=False, corrects__isnull=True)
        .filter(_not_marked(kind, Value(period)))
        .values("account_id")
        .annotate(total=Sum("amount"), due=Min("due_date"))
        .order_by("account_id")
    )
    summary = {row["account_id"]: row for row in rows}
    told = 0
    for batch in _batches(summary):
        with transaction.atomic(durable=True):
            marked = mark_once(kind, period, batch)
            for pk, (account, users) in people_of(marked).items():
                row = summary[pk]
                values = {
                    "number": account.number,
                    "month": MonthName(period),
                    "address": str(account.premises),
                    "amount": row["total"],
                    "due": row["due"],
                }
                subject = StoredText(
                    gettext_noop("New charges for %(month)s — account %(number)s, %(address)s"),
                    values,
                )
                body = StoredText(
                    gettext_noop(
                        "The charges of account %(number)s for %(month)s have been posted: "
                        "%(amount)s in total, due by %(due)s."
                    ),
                    values,
                )
                link = reverse("billing:balance", args=[pk])
                for user in users:
                    notify(user, subject, body, link=link, kind=Kind.BILLING)
            told += len(marked)
    return told


def charges_posted_notify_run(*, run_id: int) -> int:
    run = ChargeRun.objects.filter(pk=run_id, status=ChargeRun.Status.DONE).first()
    return charges_posted_notify(period=run.period) if run else 0


def unpaid_due(*, first: date, last: date):
    """{(account id, due date): unpaid} for charges due between `first` and `last` that are not
    fully paid and whose people were not reminded of that due date yet."""
    upto = (
        Charge.objects.filter(account_id=OuterRef("account_id"), due_date__lte=OuterRef("due_date"))
        .order_by()
        .values("account_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    paid = (
        Payment.objects.filter(account_id=OuterRef("account_id"))
        .order_by()
        .values("account_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    amount = DecimalField(max_digits=MONEY["max_digits"], decimal_places=MONEY["decimal_places"])
    rows = (
        Charge.objects.filter(due_date__range=(first, last))
        .filter(_not_marked(BillingNotice.Kind.DUE_REMINDER, OuterRef("due_date")))
        .order_by()
        .values("account_id", "due_date")
        .annotate(
            this=Sum("amount"),
            upto=Subquery(upto, output_field=amount),
            paid=Coalesce(Subquery(paid, output_field=amount), Value(Decimal("0.00"))),
        )
    )
    result = {}
    for row in rows:
        unpaid = min(money(row["this"]), money(row["upto"]) - money(row["paid"]))
        if unpaid > 0:
            result[row["account_id"], row["due_date"]] = unpaid
    return result


def due_reminders_send(*, today: date) -> int:
    """Remind the people of accounts with something unpaid due within BILLING_REMINDER_DAYS
    days, once per account and due date. Returns the number of reminders (accounts) sent."""
    kind = BillingNotice.Kind.DUE_REMINDER
    last = today + timedelta(days=settings.BILLING_REMINDER_DAYS)
    by_day: defaultdict[date, dict[int, Decimal]] = defaultdict(dict)
    for (account_id, due), unpaid in unpaid_due(first=today, last=last).items():
        by_day[due][account_id] = unpaid
    told = 0
    for due, unpaid in sorted(by_day.items()):
        for batch in _batches(unpaid):
            with transaction.atomic(durable=True):
                marked = mark_once(kind, due, batch)
                for pk, (account, users) in people_of(marked).items():
                    values = {
                        "number": account.number,
                        "address": str(account.premises),
                        "amount": unpaid[pk],
                        "due": due,
                    }
                    subject = StoredText(
                        gettext_noop(
                            "Payment reminder: due %(due)s — account %(number)s, %(address)s"
                        ),
                        values,
                    )
                    body = StoredText(
                        gettext_noop(
                            "%(amount)s of the charges of account %(number)s is still unpaid "
                            "and due by %(due)s. If you have already paid, please ignore "
                            "this message."
                        ),
                        values,
                    )
                    link = reverse("billing:balance", args=[pk])
                    for user in users:
                        notify(user, subject, body, link=link, kind=Kind.BILLING)
                told += len(marked)
    return told


def posted_notices_catch_up(*, today: date) -> int:
    """Send posted-charges notices a lost task never sent, for runs of this or a later month."""
    periods = (
        ChargeRun.objects.filter(status=ChargeRun.Status.DONE, period__gte=today.replace(day=1))
        .values_list("period", flat=True)
        .distinct()
    )
    return sum(charges_posted_notify(period=period) for period in sorted(set(periods)))
