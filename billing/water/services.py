"""A building's water settlement: preview every account, post each in its own transaction
(idempotent), correct a posted document by reversing it and posting anew, and apply the new
monthly advances. The arithmetic is billing/water/consumption.py."""

import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Min, Q, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Account, AccountAccess, User
from accounts.queries import people_of
from audit.services import Action, audit_clerk
from billing.invoices.services import (
    InvoiceError,
    invoice_issue_for_charge,
    invoiced_totals,
    invoices_credit_for_charges,
    invoices_settlement_undo,
)
from billing.ledger.models import Charge, Component, Fee, Payment
from billing.ledger.services import charge_correction_post, payment_correction_post
from billing.ledger.vat_rules import vat_rules
from core.dates import month_start, months_back
from core.enqueue import enqueue, enqueue_on_commit
from core.formats import format_amount, format_day
from core.stored_text import StoredText
from messaging import Kind, notify
from meters.models import Meter, Reading, ReadingWindow

from . import consumption as calc
from .models import PreviewLine, Settlement, SettlementPlan, SettlementRun, WaterTariff
from .preview_csv import preview_csv

SETTLEMENT_COMPONENT = "water_settlement"
# Readings this far around the period are enough: a year before (the usual daily use) and
# after (the reading that closes an interpolation).
READINGS_AROUND = timedelta(days=400)
# A reading window that starts this soon after a period's end collects that end's readings.
WINDOW_REACH = timedelta(days=31)
# Accounts computed together by a job: each chunk reads its meters, readings and advances in a
# few queries, and the job's progress moves after each.
CHUNK = 1000

Steps = Callable[[int], None]


def _no_steps(count: int) -> None:
    pass


def _chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for first in range(0, len(items), size):
        yield items[first : first + size]


class SettlementError(Exception):
    pass


class PeriodOpen(SettlementError):
    """The period (or its reading window) has not ended yet."""


def period_of(plan: SettlementPlan, day: date) -> tuple[date, date]:
    """The plan's settlement period that holds `day`."""
    index = ((day.year - plan.first_day.year) * 12 + day.month - plan.first_day.month)
    start = months_back(plan.first_day, -(index // plan.months) * plan.months)
    end = months_back(start, -plan.months) - timedelta(days=1)
    return start, end


@dataclass
class Computed:
    """One account's settlement before it is stored."""

    account: Account
    start: date  # the run's first day, or the account's own when it began later
    meters: list
    pricing: calc.Pricing
    used: Decimal
    vat_rate: str
    vat_basis: str
    net: Decimal
    vat: Decimal
    gross: Decimal
    advances: Decimal
    daily_use: Decimal
    new_monthly_m3: Decimal | None
    new_advance: Decimal | None

    @property
    def difference(self) -> Decimal:
        return self.gross - self.advances

    @property
    def to_pay(self) -> Decimal:
        """What the advances fell short of the cost by (0 when they covered it)."""
        return max(self.difference, Decimal("0.00"))

    @property
    def overpaid(self) -> Decimal:
        """What the advances paid above the cost (0 when they fell short)."""
        return max(-self.difference, Decimal("0.00"))

    @property
    def estimated(self):
        return any(m.estimated for m in self.meters)

    @property
    def unlegalised(self):
        return any(m.unlegalised for m in self.meters)


def _tariffs():
    return [
        calc.Tariff(t.valid_from, t.water_price, t.sewage_price)
        for t in WaterTariff.objects.order_by("valid_from")
    ]


def accounts_of(run: SettlementRun):
    """A move-out run's account; else the building's accounts in force at the period's end,
    one per premises, less those settled on their own move-out."""
    if run.account_id:
        return Account.objects.filter(pk=run.account_id).select_related("premises")
    return (
        Account.objects.active(run.period_end)
        .filter(premises__building_id=run.building_id)
        .exclude(pk__in=SettlementRun.objects.filter(account__isnull=False).values("account_id"))
        .select_related("premises")
        .order_by("premises__number", "number")
    )


def settle_from(run: SettlementRun) -> date:
    """The first day the run may be created and posted: the day after its period and every
    reading window collecting its last day's readings have ended. A move-out is settled on
    the move-out day itself, from the final reading."""
    if run.account_id:
        return run.period_end
    windows = ReadingWindow.objects.for_building(run.building).filter(
        ends_on__gte=run.period_end, starts_on__lte=run.period_end + WINDOW_REACH
    )
    last: date = max([run.period_end, *windows.values_list("ends_on", flat=True)])
    return last + timedelta(days=1)


def _check_closed(run: SettlementRun):
    day = settle_from(run)
    if timezone.localdate() < day:
        raise PeriodOpen(
            _(
                "The period %(start)s–%(end)s or its reading window has not ended yet: it can "
                "be settled from %(day)s."
            )
            % {
                "start": format_day(run.period_start),
                "end": format_day(run.period_end),
                "day": format_day(day),
            }
        )


def _check_final_readings(run: SettlementRun):
    """A move-out needs each meter in use on the last day read on that day."""
    account = run.account
    if account is None:
        return
    day = run.period_end
    meters = list(
        Meter.objects.filter(premises_id=account.premises_id, installed_on__lte=day)
        .filter(Q(removed_on__isnull=True) | Q(removed_on__gte=day))
        .order_by("serial_number")
    )
    read = set(
        Reading.objects.effective()
        .filter(meter__in=meters, read_on=day)
        .values_list("meter_id", flat=True)
    )
    missing = [m.serial_number for m in meters if m.pk not in read]
    if missing:
        raise SettlementError(
            _("First enter the final reading of %(day)s of the meters: %(meters)s.")
            % {"day": format_day(day), "meters": ", ".join(missing)}
        )


def _meter_inputs(premises_ids, start, end):
    meters = list(Meter.objects.filter(premises_id__in=premises_ids).order_by("installed_on"))
    points: dict[int, list] = {m.pk: [] for m in meters}
    readings = (
        Reading.objects.effective()
        .filter(
            meter__in=meters,
            read_on__gte=start - READINGS_AROUND,
            read_on__lte=end + READINGS_AROUND,
        )
        .order_by("meter_id", "read_on", "created_at")
        .values_list("meter_id", "read_on", "value")
    )
    for meter_id, day, value in readings:
        day_points = points[meter_id]
        if day_points and day_points[-1][0] == day:
            day_points[-1] = (day, value)  # the later reading of a day counts
        else:
            day_points.append((day, value))
    by_premises: dict[int, list] = {}
    for m in meters:
        by_premises.setdefault(m.premises_id, []).append(
            calc.MeterInput(
                m.pk, m.serial_number, m.kind, m.installed_on, m.removed_on,
                m.legalisation_expires_on, points[m.pk],
            )
        )
    return by_premises


def _carried(premises_ids, days_before):
    """{(meter, day): (value, "previous")} where a settlement of the meter ended on one of
    the days: the account's own previous one, or the previous tenant's move-out."""
    found = {}
    documents = (
        Settlement.objects.filter(account__premises_id__in=premises_ids, period_end__in=days_before)
        .filter(correction__isnull=True)
        .values_list("period_end", "meters")
    )
    for day, meters in documents:
        for m in meters:
            found[(m["meter_id"], day)] = (Decimal(m["end_value"]), calc.Source.PREVIOUS)
    return found


def _vat_rates(plan, accounts, end) -> dict:
    """{account: Vat} of the advance component's VAT rule for the account's kind at the
    period's end (billing.ledger.vat_rules)."""
    components = list(plan.advance_components.all())
    rules = vat_rules()
    component_id = components[0].pk if components else None
    small = set(
        Account.objects.filter(
            pk__in=[a.pk for a in accounts],
            premises__building__community__vat_small_taxpayer=True,
        ).values_list("pk", flat=True)
    )
    return {
        a.pk: rules.vat(component_id, a.kind, end, small_taxpayer=a.pk in small) for a in accounts
    }


def _advances(plan, accounts, start, end):
    rows = (
        Charge.objects.filter(
            account__in=accounts,
            component__in=plan.advance_components.all(),
            period__gte=month_start(start),
            period__lte=end,
        )
        .values("account_id")
        .annotate(total=Sum("amount"))
    )
    return {row["account_id"]: row["total"] for row in rows}


def compute(run: SettlementRun, accounts=None) -> list[Computed]:
    """Every account's settlement for the run, from the readings, tariffs and advances now."""
    plan = SettlementPlan.objects.get(building_id=run.building_id)
    accounts = list(accounts if accounts is not None else accounts_of(run))
    start, end = run.period_start, run.period_end
    tariffs = _tariffs()
    now_tariff = [t for t in tariffs if t.valid_from <= max(end, timezone.localdate())]
    inputs = _meter_inputs({a.premises_id for a in accounts}, start, end)
    starts = {a.pk: max(start, a.valid_from) for a in accounts}
    carried = _carried(
        {a.premises_id for a in accounts}, {day - timedelta(days=1) for day in starts.values()}
    )
    rates = _vat_rates(plan, accounts, end)
    advances = _advances(plan, accounts, start, end)
    results = []
    for account in accounts:
        first = starts[account.pk]
        day_before = first - timedelta(days=1)
        days = (end - first).days + 1
        uses = [
            use
            for meter in inputs.get(account.premises_id, [])
            if (use := calc.meter_use(
                meter, first, end, carried.get((meter.meter_id, day_before))
            ))
        ]
        if not uses and not advances.get(account.pk):
            continue  # no water here (a garage): nothing to settle
        used = sum((u.used for u in uses), Decimal(0))
        try:
            pricing = calc.price(used, first, end, tariffs)
        except ValueError:
            raise SettlementError(
                _("No water tariff is in force on %(day)s.") % {"day": format_day(first)}
            ) from None
        rate = rates[account.pk].rate
        vat = calc.vat_of(pricing.net, rate)
        daily = used / days
        m3, advance = (
            calc.monthly_advance(daily, now_tariff[-1], rate) if now_tariff else (None, None)
        )
        results.append(
            Computed(
                account=account,
                start=first,
                meters=uses,
                pricing=pricing,
                used=used,
                vat_rate=rate,
                vat_basis=rates[account.pk].basis,
                net=pricing.net,
                vat=vat,
                gross=pricing.net + vat,
                advances=advances.get(account.pk) or Decimal("0.00"),
                daily_use=daily.quantize(Decimal("0.0001")),
                new_monthly_m3=m3,
                new_advance=advance,
            )
        )
    return results


def run_create(*, building, period_start: date, clerk) -> SettlementRun:
    plan = SettlementPlan.objects.filter(building=building).first()
    if plan is None:
        raise SettlementError(_("This building has no water settlement plan."))
    start, end = period_of(plan, period_start)
    _check_closed(SettlementRun(building=building, period_start=start, period_end=end))
    with transaction.atomic(durable=True):
        run, _created = SettlementRun.objects.get_or_create(
            building=building,
            period_start=start,
            account=None,
            defaults={"period_end": end, "created_by": clerk},
        )
    return run


def move_out_run_create(*, account: Account, clerk) -> SettlementRun:
    """The final settlement of a tenant moving out: the account's part of its period up to
    its last day (valid to), from the final readings of that day; possible from that day."""
    if account.valid_to is None:
        raise SettlementError(
            _("Account %(account)s has no last day: enter the day the tenant moves out first.")
            % {"account": account.number}
        )
    existing = SettlementRun.objects.filter(account=account).first()
    if existing is not None:
        return existing
    building = account.premises.building
    plan = SettlementPlan.objects.filter(building=building).first()
    if plan is None:
        raise SettlementError(_("This building has no water settlement plan."))
    start = max(period_of(plan, account.valid_to)[0], account.valid_from)
    settled = (
        Settlement.objects.filter(account=account, period_end__gte=start)
        .filter(correction__isnull=True)
        .first()
    )
    if settled is not None:
        raise SettlementError(
            _("The water of account %(account)s is settled up to %(day)s already (%(number)s).")
            % {
                "account": account.number,
                "day": format_day(settled.period_end),
                "number": settled.number,
            }
        )
    run = SettlementRun(
        building=building, account=account, period_start=start, period_end=account.valid_to,
        created_by=clerk,
    )
    _check_closed(run)
    _check_final_readings(run)
    try:
        with transaction.atomic(durable=True):
            run.save()
    except IntegrityError:  # started a moment ago by another submit
        return SettlementRun.objects.get(account=account)
    return run


# -- posting ------------------------------------------------------------------------------------


def _number(run, account, corrects=None):
    base = f"RW/{run.period_end:%Y}/{run.period_start:%m}/{account.number}"
    if corrects is None:
        return base
    count = Settlement.objects.filter(number__startswith=base + "/K").count()
    return f"{base}/K{count + 1}"


def _title(run, start=None) -> StoredText:
    key = gettext_noop("Water and sewage settlement %(start)s–%(end)s")
    return StoredText(key, {"start": start or run.period_start, "end": run.period_end})


def _title_fields(run, start=None) -> dict:
    title = _title(run, start)
    return {"title": title.polish(), "text_key": title.key, "text_params": title.encoded()}


def _snapshot(rows) -> list[dict]:
    """Dataclass rows (calc.MeterUse, calc.TariffPart) as a document stores them in JSON: every
    field, days in ISO form, amounts as exact strings (billing/water/presentation.py reads them
    back)."""
    return [{f.name: _json_value(getattr(row, f.name)) for f in fields(row)} for row in rows]


def _json_value(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@dataclass(frozen=True)
class Posting:
    """What every document of one posting shares: read once, not per account."""

    component: Component
    posted_on: date
    due_date: date
    people: dict  # account id -> (account, [users to notify])
    residents: dict  # account id -> the user id its audit events name (Account.audit_resident)

    @classmethod
    def of(cls, run, account_ids):
        plan = SettlementPlan.objects.get(building_id=run.building_id)
        posted_on = timezone.localdate()
        return cls(
            component=Component.objects.get(code=SETTLEMENT_COMPONENT),
            posted_on=posted_on,
            due_date=posted_on + timedelta(days=plan.due_days),
            people=people_of(account_ids),
            residents=dict(
                AccountAccess.objects.filter(account_id__in=account_ids, user__is_staff=False)
                .values("account_id")
                .annotate(first=Min("user_id"))
                .values_list("account_id", "first")
            ),
        )


def _post_difference(run, computed: Computed, posting: Posting, clerk):
    """The difference into the ledger: a charge to pay, or a credit; (charge, credit)."""
    difference = computed.difference
    component, posted_on, due_date = posting.component, posting.posted_on, posting.due_date
    if difference > 0:
        charge = Charge.objects.create(
            account=computed.account,
            component=component,
            **_title_fields(run, computed.start),
            quantity=1,
            unit_price=difference,
            amount=difference,
            vat_rate=computed.vat_rate,
            vat_basis=computed.vat_basis,
            due_date=due_date,
            posted_by=clerk,
        )
        return charge, None
    if difference < 0:
        credit = Payment.objects.create(
            account=computed.account,
            amount=-difference,
            paid_on=posted_on,
            method=Payment.Method.SETTLEMENT,
            **_title_fields(run, computed.start),
            posted_by=clerk,
        )
        return None, credit
    return None, None


def _invoice_line(run, computed: Computed) -> str:
    return _(
        "Water and sewage %(start)s–%(end)s: %(used)s m³ used, %(cost)s, less the advances "
        "invoiced %(advances)s"
    ) % {
        "start": f"{computed.start:%d.%m.%Y}",
        "end": f"{run.period_end:%d.%m.%Y}",
        "used": f"{computed.used:.3f}".replace(".", ","),
        "cost": format_amount(computed.gross),
        "advances": format_amount(computed.advances),
    }


def _invoices(run, computed: Computed, charge, clerk, reason="") -> list:
    """A commercial lease's settlement on its invoices (VAT is invoiced, not only charged):
    what it owes beyond the advances on a settlement invoice; what it overpaid given back by
    correcting the invoices of the advances. Other accounts get no invoice."""
    if computed.account.kind != Account.Kind.COMMERCIAL_LEASE or not computed.difference:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        if charge is not None:
            return [
                invoice_issue_for_charge(
                    charge=charge,
                    description=_invoice_line(run, computed),
                    period_start=computed.start,
                    period_end=run.period_end,
                    clerk=clerk,
                )
            ]
        return invoices_credit_for_charges(
            charge_ids=_advance_charge_ids(run, computed.account),
            amount=-computed.difference,
            reason=reason or _title(run).polish(),
            clerk=clerk,
        )


def _advance_charge_ids(run, account) -> list:
    """The advance charges of the run's period as posted (not their ledger corrections)."""
    plan = SettlementPlan.objects.get(building_id=run.building_id)
    return list(
        Charge.objects.filter(
            account=account,
            component__in=plan.advance_components.all(),
            period__gte=month_start(run.period_start),
            period__lte=run.period_end,
            corrects__isnull=True,
        ).values_list("pk", flat=True)
    )


def _as_invoiced(run, computed: Computed, charge) -> Computed:
    """A commercial lease's cost as its invoices state it: the water lines of the advances'
    invoices (after the correction that gave an overpayment back) and of the settlement
    invoice. Each invoice takes its VAT on its own net, so the sum may be a grosz away from
    VAT on the period's net; the document states what was invoiced (art. 106e ust. 1
    pkt 14), and the page shows the grosz. Unchanged when an advance was never invoiced."""
    if computed.account.kind != Account.Kind.COMMERCIAL_LEASE or not computed.vat_rate.isdigit():
        return computed
    ids = _advance_charge_ids(run, computed.account) + ([charge.pk] if charge else [])
    invoiced = invoiced_totals(ids) if ids else None
    if invoiced is None:
        return computed
    return replace(computed, net=invoiced.net, vat=invoiced.vat, gross=invoiced.gross)


def _store(
    run, computed: Computed, clerk, posting: Posting, corrects=None, reason=""
) -> Settlement:
    charge, credit = _post_difference(run, computed, posting, clerk)
    try:
        invoices = _invoices(run, computed, charge, clerk, reason)
    except InvoiceError as exc:  # e.g. the buyer's NIP: fix the register, then post again
        raise SettlementError(
            _("Account %(account)s: %(error)s") % {"account": computed.account.number, "error": exc}
        ) from None
    difference = computed.difference  # as posted
    computed = _as_invoiced(run, computed, charge)
    document = Settlement.objects.create(
        run=run,
        account=computed.account,
        number=_number(run, computed.account, corrects),
        period_start=computed.start,
        period_end=run.period_end,
        meters=_snapshot(computed.meters),
        parts=_snapshot(computed.pricing.parts),
        used=computed.used,
        estimated=computed.estimated,
        unlegalised=computed.unlegalised,
        vat_rate=computed.vat_rate,
        net=computed.net,
        vat=computed.vat,
        gross=computed.gross,
        advances=computed.advances,
        difference=difference,
        due_date=posting.due_date if charge else None,
        daily_use=computed.daily_use,
        new_advance=computed.new_advance,
        charge=charge,
        credit=credit,
        corrects=corrects,
        reason=reason,
    )
    if invoices:
        document.invoices.set(invoices)
    resident = posting.residents.get(document.account_id)
    audit_clerk(
        clerk,
        action=Action.ADD,
        obj=document,
        resident=User(pk=resident) if resident else None,
        new={
            "number": document.number,
            "used": document.used,
            "gross": document.gross,
            "advances": document.advances,
            "difference": document.difference,
            "corrects": corrects.number if corrects else None,
        },
    )
    _notify(document, posting.people.get(document.account_id, (None, []))[1])
    return document


def _notify(document, users):
    params = {
        "number": document.number,
        "account": document.account.number,
        "amount": abs(document.difference),
    }
    if document.due_date:
        params["due"] = document.due_date
    subject = StoredText(gettext_noop("Water settlement for account %(account)s"), params)
    if document.difference > 0:
        body = gettext_noop(
            "The water and sewage settlement %(number)s for account %(account)s is ready: "
            "%(amount)s to pay by %(due)s."
        )
    elif document.difference < 0:
        body = gettext_noop(
            "The water and sewage settlement %(number)s for account %(account)s is ready: "
            "an overpayment of %(amount)s is credited against your next charges."
        )
    else:
        body = gettext_noop(
            "The water and sewage settlement %(number)s for account %(account)s is ready: "
            "the advances covered the use exactly."
        )
    link = reverse("billing:water_detail", args=[document.pk])
    for user in users:
        notify(user, subject, StoredText(body, params), link=link, kind=Kind.BILLING)


def _relaxed_commit():
    """Each account's commit need not wait for the disk: after a crash the last few may be
    lost, never half-written, and posting again posts exactly those (PostgreSQL only)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def run_post(*, run: SettlementRun, clerk, steps: Steps = _no_steps) -> int:
    """Post every account of the run that has no document yet, each in its own transaction;
    running it again posts nothing twice. Returns how many were posted now. Refused while
    the period or its reading window is open (a move-out: before its day or final readings).
    Computed a chunk of accounts at a time; `steps(n)` after each chunk (a job's progress)."""
    _check_closed(run)
    _check_final_readings(run)
    posted = 0
    done = set(
        Settlement.objects.filter(run=run, corrects__isnull=True).values_list(
            "account_id", flat=True
        )
    )
    accounts = list(accounts_of(run))
    todo = [a for a in accounts if a.pk not in done]
    steps(len(accounts) - len(todo))
    for chunk in _chunks(todo):
        posted += _post_chunk(run, compute(run, chunk), clerk)
        steps(len(chunk))
    if posted:
        # The PDFs: one task for the run, not one per document (the sweeper is the backstop).
        enqueue("billing.water_settlement_pdfs_render_run", run.pk)
    if posted or run.status != SettlementRun.Status.POSTED:
        SettlementRun.objects.filter(pk=run.pk).update(
            status=SettlementRun.Status.POSTED, posted_at=timezone.now(), posted_by=clerk
        )
    return posted


def _post_chunk(run: SettlementRun, todo: list[Computed], clerk) -> int:
    posted = 0
    posting = Posting.of(run, [c.account.pk for c in todo])
    for computed in todo:
        try:
            with transaction.atomic():
                _relaxed_commit()
                _store(run, computed, clerk, posting)
        except IntegrityError:  # posted meanwhile by another run of the same button
            continue
        posted += 1
    return posted


def preview_store(*, run: SettlementRun, steps: Steps = _no_steps) -> int:
    """Compute every account of the run as posting would now and keep the lines for the
    preview page and its CSV (the previous preview's lines are replaced). Returns how many."""
    accounts = list(accounts_of(run))
    now = timezone.now()
    lines = []
    for chunk in _chunks(accounts):
        lines += [
            PreviewLine(
                run=run, account=c.account, used=c.used, estimated=c.estimated,
                unlegalised=c.unlegalised, net=c.net, vat=c.vat, gross=c.gross,
                advances=c.advances, difference=c.difference, new_advance=c.new_advance,
                computed_at=now,
            )
            for c in compute(run, chunk)
        ]
        steps(len(chunk))
    with transaction.atomic():
        PreviewLine.objects.filter(run=run).delete()
        PreviewLine.objects.bulk_create(lines, batch_size=2000)
    _store_preview_csv(run)
    return len(lines)


def _store_preview_csv(run: SettlementRun) -> None:
    """The preview's CSV as a file of the run (the old one deleted), so its download reads a
    file, not 20,000 rows."""
    content, _count = preview_csv(run)
    file = SettlementRun._meta.get_field("preview_csv")
    storage = run.preview_csv.storage
    previous = SettlementRun.objects.filter(pk=run.pk).values_list("preview_csv", flat=True)[0]
    name = storage.save(
        file.generate_filename(run, f"{secrets.token_hex(16)}.csv"), ContentFile(content)
    )
    SettlementRun.objects.filter(pk=run.pk).update(preview_csv=name)
    run.preview_csv.name = name
    if previous:
        storage.delete(previous)


def _reverse(document: Settlement, reason: str, clerk):
    with translation.override(settings.LANGUAGE_CODE):
        invoices_settlement_undo(invoices=document.invoices.all(), reason=reason, clerk=clerk)
    charge, credit = document.charge, document.credit
    if charge is not None:
        charge_correction_post(charge=charge, difference=-charge.amount, reason=reason, clerk=clerk)
    if credit is not None:
        payment_correction_post(
            payment=credit,
            difference=-credit.amount,
            reason=reason,
            clerk=clerk,
            paid_on=timezone.localdate(),
        )


def settlement_correct(*, document: Settlement, reason: str, clerk) -> Settlement:
    """Reverse a posted document's ledger entry and post a new document computed from the
    readings and tariffs as they are now (a corrected reading, a late one)."""
    reason = (reason or "").strip()
    if not reason:
        raise SettlementError(_("Give the reason for the correction."))
    _check_closed(document.run)
    with transaction.atomic():
        document = Settlement.objects.select_for_update().get(pk=document.pk)
        if document.is_corrected:
            raise SettlementError(_("This settlement has already been corrected."))
        computed = compute(document.run, [document.account])[0]
        _reverse(document, reason, clerk)
        posting = Posting.of(document.run, [document.account_id])
        new = _store(document.run, computed, clerk, posting, corrects=document, reason=reason)
        enqueue_on_commit("billing.water_settlement_pdf_render", new.pk)
        return new


def advances_apply(*, run: SettlementRun, from_month: date, clerk) -> int:
    """From `from_month`, each settled account's advance fee becomes the new monthly advance
    (a fixed amount); the fee in force ends the day before. Returns how many were changed."""
    from_month = month_start(from_month)
    plan = SettlementPlan.objects.get(building_id=run.building_id)
    component = plan.advance_components.order_by("order").first()
    if component is None:
        raise SettlementError(_("The plan names no advance component."))
    changed = 0
    documents = Settlement.objects.filter(run=run, correction__isnull=True).select_related(
        "account"
    )
    with transaction.atomic(durable=True):
        # Simultaneous submits wait here for each other; the later one sees the first's
        # advances and is refused like a second submit one after the other.
        run = SettlementRun.objects.select_for_update().get(pk=run.pk)
        if run.advances_from == from_month:
            raise SettlementError(
                _("The new advances from %(day)s are already set.")
                % {"day": format_day(from_month)}
            )
        # Another run setting advances of the same accounts waits for this one.
        list(
            Account.objects.select_for_update()
            .filter(pk__in=documents.values("account_id"))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for document in documents:
            if document.new_advance is None:
                continue
            current = (
                Fee.objects.select_for_update()
                .filter(account=document.account, component=component)
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=from_month))
                .order_by("valid_from")
            )
            if any(f.valid_from == from_month and f.unit_price == document.new_advance
                   and f.basis == Fee.Basis.FIXED for f in current):
                continue  # applied already
            for fee in current:
                if fee.valid_from >= from_month:
                    raise SettlementError(
                        _("Account %(account)s already has an advance from %(day)s.")
                        % {"account": document.account.number, "day": format_day(fee.valid_from)}
                    )
                fee.valid_to = from_month - timedelta(days=1)
                fee.save(update_fields=["valid_to"])
            fee = Fee.objects.create(
                account=document.account,
                component=component,
                basis=Fee.Basis.FIXED,
                unit_price=document.new_advance,
                valid_from=from_month,
            )
            audit_clerk(clerk, action=Action.ADD, obj=fee, new={"unit_price": fee.unit_price})
            changed += 1
        SettlementRun.objects.filter(pk=run.pk).update(advances_from=from_month)
    return changed

