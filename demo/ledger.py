"""Demo billing data: fee schedules, two years of charge runs and payments for the demo accounts,
and a bulk history for the scale accounts of load tests. Both are safe to run twice.

Demo story: `najemca` (1001) skipped one payment a few months ago and paid only part of this
month, so one month's worth is overdue; `firma` (1005) is up to date; the flat 2003 of
`wlasciciel` is slightly overpaid; everybody else pays on time.
"""

import json
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import Account, Premises
from billing.ledger.charge_run import charge_run_execute, charge_title
from billing.ledger.deadlines import deadline
from billing.ledger.models import (
    Charge,
    ChargeRun,
    Component,
    Fee,
    Payment,
    PaymentTerms,
    VatRule,
)
from core.dates import month_end, month_start, months_back
from core.money import money
from core.stored_text import Names
from demo.households import demo_persons

HISTORY_MONTHS = 24
FEES_FROM = date(2021, 1, 1)
RENT_RAISE = date(2025, 7, 1)  # a rent rise inside the history, to show validity periods
BATCH = 2000

TENANT_IN_ARREARS = "1001"  # najemca
COMPANY = "1005"  # firma: a contract with its own payment day
OVERPAID = "2003"  # wlasciciel
OVERPAYMENT = Decimal("50.00")
SKIPPED_MONTHS_AGO = 4  # najemca's missed month
PART_PAID = Decimal("200.00")  # najemca's payment this month

D = Decimal
TENANCY = Account.Kind.MUNICIPAL_TENANCY
OWNERSHIP = Account.Kind.COMMUNITY_OWNERSHIP
LEASE = Account.Kind.COMMERCIAL_LEASE


def persons(account: Account) -> Decimal:
    return demo_persons(account.number)


# (component code, basis, unit price, quantity, valid from, valid to); quantity None: the area
def schedule(account: Account, start: date = FEES_FROM):
    garage = account.premises.kind == Premises.Kind.GARAGE
    people = D(0) if garage else persons(account)
    if account.kind == TENANCY:
        return [
            ("rent", "per_m2", D("9.8700"), None, start, RENT_RAISE - timedelta(days=1)),
            ("rent", "per_m2", D("10.4500"), None, RENT_RAISE, None),
            ("water_sewage", "per_person", D("42.8000"), people, start, None),
            ("waste", "per_person", D("37.0000"), people, start, None),
        ]
    if account.kind == OWNERSHIP:
        fees = [
            ("management", "per_m2", D("2.3500"), None, start, None),
            ("repair_fund", "per_m2", D("1.8000"), None, start, None),
        ]
        if people and account.holder_nip == "":
            fees.append(("water_sewage", "per_person", D("42.8000"), people, start, None))
        elif account.premises.kind == Premises.Kind.COMMERCIAL:
            fees.append(("water_sewage", "per_meter", D("95.0000"), D(1), start, None))
        return fees
    rent = D("12.0000") if garage else D("38.5000")
    fees = [("commercial_rent", "per_m2", rent, None, start, None)]
    if not garage:
        fees.append(("water_sewage", "per_meter", D("120.0000"), D(1), start, None))
    return fees


RESIDENTIAL_EXEMPTION = (
    "art. 43 ust. 1 pkt 36 ustawy z dnia 11 marca 2004 r. o podatku od towarów i usług"
)
# code, name, order, VAT for every kind of account, {kind: its own VAT}. The table and the
# legal basis of each rate are in docs/ksef.md ("VAT per account kind"); migration 0016 gives
# existing databases the same kinds' rules. [check] The tax adviser confirms them; staff
# change a rule on the component's page from the day a new one applies.
COMPONENTS = [
    ("rent", "Czynsz", 10, "zw", {LEASE: "23"}),
    ("commercial_rent", "Czynsz za lokal użytkowy", 15, "23", {}),
    # an owner's advance for the common property's costs is no supply: outside VAT
    ("management", "Zaliczka na koszty zarządu", 20, "zw", {LEASE: "23", OWNERSHIP: "np"}),
    ("repair_fund", "Fundusz remontowy", 30, "np", {}),
    ("heating", "Zaliczka na centralne ogrzewanie", 40, "zw", {LEASE: "23", OWNERSHIP: "23"}),
    ("hot_water", "Zaliczka na podgrzanie wody", 50, "zw", {LEASE: "23", OWNERSHIP: "23"}),
    # metered water is a supply of its own (CJEU C-42/14), also to a municipal flat's tenant
    (
        "water_sewage",
        "Zaliczka na wodę i ścieki",
        60,
        "zw",
        {LEASE: "8", OWNERSHIP: "8", TENANCY: "8"},
    ),
    ("waste", "Wywóz odpadów komunalnych", 70, "np", {}),
    ("meter_fee", "Opłata za wodomierze", 80, "zw", {LEASE: "23", OWNERSHIP: "23"}),
]
RULES_FROM = date(2000, 1, 1)
# What English readers of e-BOK read (Component.name_en); migration billing/0021 writes them too.
ENGLISH_NAMES = {
    "rent": "Rent",
    "commercial_rent": "Rent for commercial premises",
    "management": "Advance for management costs",
    "repair_fund": "Repair fund",
    "heating": "Central heating advance",
    "hot_water": "Water heating advance",
    "water_sewage": "Water and sewage advance",
    "waste": "Municipal waste collection",
    "meter_fee": "Water meter fee",
    "water_settlement": "Water and sewage settlement",
}


def seed_components() -> int:
    """The fee components and their VAT rules, where missing (migrations write them; a test
    that flushes the database loses them)."""
    created = 0
    for code, name, order, rate, kinds in COMPONENTS:
        component, new = Component.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": ENGLISH_NAMES[code], "order": order}
        )
        created += new
        if not component.name_en:
            Component.objects.filter(pk=component.pk).update(name_en=ENGLISH_NAMES[code])
        for kind, vat in (("", rate), *kinds.items()):
            _rule, new = VatRule.objects.get_or_create(
                component=component,
                account_kind=kind,
                valid_from=RULES_FROM,
                defaults={
                    "vat_rate": vat,
                    "exemption_basis": RESIDENTIAL_EXEMPTION if vat == "zw" else "",
                },
            )
            created += new
    return created


def seed_fees(accounts, start: date = FEES_FROM) -> int:
    """A fee schedule for each account that has none (staff's own schedules are left alone)."""
    components = {c.code: c for c in Component.objects.all()}
    has_fees = set(
        Fee.objects.filter(account__in=accounts).values_list("account_id", flat=True).distinct()
    )
    fees = []
    for account in accounts:
        if account.pk in has_fees:
            continue
        for code, basis, price, quantity, valid_from, valid_to in schedule(account, start):
            component = components[code]
            fees.append(
                Fee(
                    account=account,
                    component=component,
                    basis=basis,
                    unit_price=price,
                    quantity=quantity,
                    valid_from=valid_from,
                    valid_to=valid_to,
                )
            )
    Fee.objects.bulk_create(fees)
    return len(fees)


def seed_runs(periods, *, notify_last: bool) -> int:
    """A charge run for each month that has no finished one yet."""
    done = set(
        ChargeRun.objects.filter(period__in=periods, status=ChargeRun.Status.DONE).values_list(
            "period", flat=True
        )
    )
    created = 0
    for period in periods:
        if period in done:
            continue
        # Not charge_run_start: its task would run the month at once, telling everybody.
        run = ChargeRun.objects.create(period=period, due_day=settings.BILLING_DUE_DAY)
        run = charge_run_execute(run_id=run.pk, notify=notify_last and period == periods[-1])
        created += run.charges_created if run else 0
    return created


def demo_payments(account: Account, months, today: date):
    """(paid on, amount, title) the account's holder paid, month by month."""
    totals = dict(
        Charge.objects.filter(account=account, period__in=[p for p, _ in months])
        .values("period")
        .annotate(total=Sum("amount"))
        .values_list("period", "total")
    )
    last = months[-1][0]
    payments = []
    for period, due in months:
        total = totals.get(period)
        if not total:
            continue
        amount = total
        if account.number == TENANT_IN_ARREARS:
            if period == months_back(last, SKIPPED_MONTHS_AGO):
                continue
            if period == last:
                amount = min(PART_PAID, total)
        elif account.number == OVERPAID and period == last:
            amount = total + OVERPAYMENT
        elif due > today and account.number != COMPANY:
            continue  # not due yet: most people pay near the due date
        paid_on = min(today, due - timedelta(days=int(account.number) % 6))
        payments.append((paid_on, money(amount), f"Opłaty {period:%m/%Y} konto {account.number}"))
    return payments


def seed_payments(accounts, periods, today: date) -> int:
    """Each account's payments for `periods`, once (a payment is known by its title)."""
    due_dates = {}
    for account_id, period, due in Charge.objects.filter(
        account__in=accounts, period__in=periods, corrects__isnull=True
    ).values_list("account_id", "period", "due_date"):
        due_dates[account_id, period] = due
    existing = set(Payment.objects.filter(account__in=accounts).values_list("account_id", "title"))
    rows = []
    now = timezone.now()
    for account in accounts:
        months = [(p, due_dates[account.pk, p]) for p in periods if (account.pk, p) in due_dates]
        if not months:
            continue
        for paid_on, amount, title in demo_payments(account, months, today):
            if (account.pk, title) in existing:
                continue
            rows.append(
                Payment(
                    account=account,
                    amount=amount,
                    paid_on=paid_on,
                    method=Payment.Method.BANK,
                    title=title,
                    payer=account.holder_name,
                    posted_at=now,
                )
            )
    Payment.objects.bulk_create(rows)
    return len(rows)


def seed_billing(accounts_by_number: dict, *, today: date) -> int:
    """Fee schedules, HISTORY_MONTHS monthly charge runs up to this month and payments for the
    demo accounts. Returns the number of rows created. Must run outside a transaction: each
    charge run owns its own."""
    accounts = list(
        Account.objects.filter(pk__in=[a.pk for a in accounts_by_number.values()])
        .select_related("premises")
        .order_by("number")
    )
    created = seed_components() + seed_fees(accounts)
    company = accounts_by_number.get(COMPANY)
    if company and not PaymentTerms.objects.filter(account=company).exists():
        PaymentTerms.objects.create(account=company, due_day=15)
        created += 1
    current = month_start(today)
    periods = [months_back(current, n) for n in range(HISTORY_MONTHS - 1, -1, -1)]
    created += seed_runs(periods, notify_last=True)
    created += seed_payments(accounts, periods, today)
    return created


# -- scale: bulk history for load tests ----------------------------------------------------------

SCALE_CHUNK = 1000  # accounts per statement (SQLite caps query parameters)
SCALE_DEBTOR_EVERY = 20  # every 20th account left the last two months unpaid

# The titles as the charge run keys them (billing.ledger.charge_run.charge_title): one row per
# component and month in t, the parameters as JSON text.
CHARGES_SQL = """
WITH m(period, month_end, due_date, label) AS (VALUES {months}),
     t(component_id, period, params) AS (VALUES {titles})
INSERT INTO billing_charge (account_id, component_id, period, title, text_key, text_params,
                            quantity, unit_price, amount, vat_rate, vat_basis, due_date, reason,
                            posted_at)
SELECT f.account_id, f.component_id, m.period, c.name || ' ' || m.label, %s, {params},
       {qty}, f.unit_price,
       ROUND({qty} * f.unit_price, 2), COALESCE({rule}vat_rate{rule_end}, 'zw'),
       COALESCE({rule}exemption_basis{rule_end}, ''), m.due_date, '', %s
FROM billing_fee f
JOIN billing_component c ON c.id = f.component_id
JOIN accounts_account a ON a.id = f.account_id
JOIN accounts_premises p ON p.id = a.premises_id
CROSS JOIN m
JOIN t ON t.component_id = f.component_id AND t.period = m.period
WHERE f.account_id IN ({ids})
  AND f.valid_from <= m.month_end AND (f.valid_to IS NULL OR f.valid_to >= m.period)
  AND a.valid_from <= m.month_end AND (a.valid_to IS NULL OR a.valid_to >= m.period)
  AND ROUND({qty} * f.unit_price, 2) > 0
ON CONFLICT DO NOTHING
"""
# The component's VAT rule in force (billing.ledger.vat_rules: the kind's own rule first).
RULE_SQL = (
    "(SELECT r.",
    " FROM billing_vatrule r WHERE r.component_id = f.component_id "
    "AND r.account_kind IN (a.kind, '') AND r.valid_from <= m.period "
    "ORDER BY r.account_kind = '', r.valid_from DESC LIMIT 1)",
)
QUANTITY_SQL = (
    "(CASE f.basis WHEN 'fixed' THEN 1 WHEN 'per_m2' THEN COALESCE(f.quantity, p.floor_area) "
    "ELSE COALESCE(f.quantity, 0) END)"
)
PAYMENTS_SQL = """
WITH m(period, paid_on, label) AS (VALUES {months})
INSERT INTO billing_payment (account_id, amount, paid_on, method, title, payer, reason, posted_at)
SELECT ch.account_id, SUM(ch.amount), m.paid_on, 'bank',
       'Opłaty ' || m.label || ' konto ' || a.number, a.holder_name, '', %s
FROM billing_charge ch
JOIN m ON m.period = ch.period
JOIN accounts_account a ON a.id = ch.account_id
WHERE ch.account_id IN ({ids}) AND ch.corrects_id IS NULL
  AND (ch.account_id %% {debtor_every} <> 0 OR m.period < %s)
  AND NOT EXISTS (
      SELECT 1 FROM billing_payment p
      WHERE p.account_id = ch.account_id AND p.paid_on = m.paid_on
        AND p.title = 'Opłaty ' || m.label || ' konto ' || a.number)
GROUP BY ch.account_id, m.paid_on, m.label, a.number, a.holder_name
"""


def _values(rows):
    placeholders = ", ".join("(" + ", ".join(["%s"] * len(rows[0])) + ")" for _ in rows)
    return placeholders, [value for row in rows for value in row]


def seed_billing_scale(account_ids, *, months: int, today: date) -> dict:
    """Fee schedules for the given accounts and `months` months of charges (up to this month)
    and payments, in set-based SQL: fast enough for 20,000 accounts × 10 years. History
    charges have no charge run, so nobody is notified of them. Safe to run twice."""
    ids = sorted(account_ids)
    counts = {"fees": 0, "charges": 0, "payments": 0}
    current = month_start(today)
    periods = [months_back(current, n) for n in range(max(months, 1) - 1, -1, -1)]
    fees_from = min(FEES_FROM, periods[0])
    for start in range(0, len(ids), SCALE_CHUNK):
        chunk = Account.objects.filter(pk__in=ids[start : start + SCALE_CHUNK])
        counts["fees"] += seed_fees(list(chunk.select_related("premises")), fees_from)
    if months <= 0 or not ids:
        return counts
    due_day = settings.BILLING_DUE_DAY
    ops = connection.ops
    charge_months = [
        (p, month_end(p), deadline(p.replace(day=due_day)), f"{p:%m/%Y}") for p in periods
    ]
    paid_months = [
        (p, min(today, p.replace(day=due_day) - timedelta(days=2)), f"{p:%m/%Y}")
        for p in periods
        if p.replace(day=due_day) - timedelta(days=2) <= today
    ]
    key = charge_title(Names(""), current).key
    titles = [
        (c.pk, p, json.dumps(charge_title(c.names, p).encoded()))
        for c in Component.objects.all()
        for p in periods
    ]
    now = ops.adapt_datetimefield_value(timezone.now())
    unpaid_from = ops.adapt_datefield_value(months_back(current, 1))

    def adapt(rows):
        return [
            tuple(ops.adapt_datefield_value(v) if isinstance(v, date) else v for v in row)
            for row in rows
        ]

    # Counted from the tables: SQLite reports no row count for WITH … INSERT.
    charges_before, payments_before = Charge.objects.count(), Payment.objects.count()
    with connection.cursor() as cursor:
        for start in range(0, len(ids), SCALE_CHUNK):
            chunk = ids[start : start + SCALE_CHUNK]
            id_marks = ", ".join(["%s"] * len(chunk))
            with transaction.atomic():
                months_sql, months_params = _values(adapt(charge_months))
                titles_sql, titles_params = _values(adapt(titles))
                cursor.execute(
                    CHARGES_SQL.format(
                        months=months_sql,
                        titles=titles_sql,
                        params="CAST(t.params AS jsonb)"
                        if connection.vendor == "postgresql"
                        else "t.params",
                        qty=QUANTITY_SQL,
                        ids=id_marks,
                        rule=RULE_SQL[0],
                        rule_end=RULE_SQL[1],
                    ),
                    [*months_params, *titles_params, key, now, *chunk],
                )
                if paid_months:
                    months_sql, months_params = _values(adapt(paid_months))
                    cursor.execute(
                        PAYMENTS_SQL.format(
                            months=months_sql, ids=id_marks, debtor_every=SCALE_DEBTOR_EVERY
                        ),
                        [*months_params, now, *chunk, unpaid_from],
                    )
    counts["charges"] = Charge.objects.count() - charges_before
    counts["payments"] = Payment.objects.count() - payments_before
    return counts
