"""The monthly charge run (naliczenie miesięczne): each active account's fees become charges.

A run is a row (pending → running → done / error) that staff see in admin; the task only nudges
it. The work is set-based: one query reads every fee valid in the month with what its amount
needs, one more finds nothing already charged, and the charges go in with bulk inserts that
skip a row the unique constraint `one_charge_per_account_month_component` already holds, so a
second run of the same month adds nothing.

Rules where the contract is silent: a fee is charged for a whole month when its validity
overlaps that month (no pro rata), and when two fees of one component overlap a month the one
that starts later wins; an account is charged for every month its validity overlaps.
"""

import json
import logging
from datetime import date, timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.services import Action, audit_clerk
from billing.ledger.deadlines import deadline
from billing.ledger.models import Charge, ChargeRun, Fee
from billing.ledger.services import BillingError
from billing.ledger.vat_rules import vat_rules
from core.dates import month_end, month_start, next_month
from core.enqueue import enqueue, enqueue_on_commit
from core.stored_text import Month, Names, StoredText

log = logging.getLogger(__name__)
BATCH = 2000


def charge_run_start(
    *, period: date, due_day: int | None = None, clerk=None, again: bool = False
) -> ChargeRun:
    """Create a run for the month of `period`; it executes in a worker after commit. A month
    that has a finished run is charged again only when asked (`again`): the new run posts
    only what is missing, e.g. for premises let since."""
    period = month_start(period)
    due_day = settings.BILLING_DUE_DAY if due_day is None else due_day
    if not 1 <= due_day <= 28:
        raise BillingError(_("The payment day must be between 1 and 28."))
    busy = _("A charge run for this month is already waiting or running.")
    with transaction.atomic(durable=True):
        # The constraint one_active_charge_run_per_month makes a second insert wait for
        # the first and fail, so only one of simultaneous starts gets here.
        try:
            with transaction.atomic():
                run = ChargeRun.objects.create(period=period, due_day=due_day, created_by=clerk)
        except IntegrityError:
            raise BillingError(busy) from None
        # Read after the insert: a run that finished meanwhile is seen here.
        done = (
            ChargeRun.objects.filter(period=period, status=ChargeRun.Status.DONE)
            .exclude(pk=run.pk)
            .first()
        )
        if done is not None and not again:
            raise BillingError(
                _(
                    "%(month)s was charged on %(day)s. To charge only what is missing (e.g. "
                    "premises let since), choose the run in the list and the action “Run "
                    "again”."
                )
                % {
                    "month": f"{period:%m/%Y}",
                    "day": formats.date_format(
                        timezone.localtime(done.finished_at or done.created_at), "j E Y"
                    ),
                }
            )
        audit_clerk(clerk, action=Action.ADD, obj=run, new={"period": period, "due_day": due_day})
        enqueue_on_commit("billing.charge_run_execute", run.pk)
    return run


def _enqueue_after_run(run_id):
    """The tasks after a run: tell the people charged, and invoice commercial leases."""
    enqueue("billing.charges_posted_notify", run_id)
    enqueue("billing.invoices_issue_for_run", run_id)


def fees_to_charge(period: date):
    """Fees valid in the month of accounts active in it that have no charge of that month for
    their component yet, with the premises' floor area and the contract's payment day."""
    end = month_end(period)
    already = Charge.objects.filter(
        account_id=OuterRef("account_id"),
        component_id=OuterRef("component_id"),
        period=period,
        corrects__isnull=True,
    )
    return (
        Fee.objects.filter(valid_from__lte=end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=period))
        .filter(account__valid_from__lte=end)
        .filter(Q(account__valid_to__isnull=True) | Q(account__valid_to__gte=period))
        .exclude(Exists(already))
        .annotate(
            floor_area=F("account__premises__floor_area"),
            terms_due_day=F("account__payment_terms__due_day"),
            component_name=F("component__name"),
            component_name_en=F("component__name_en"),
            account_kind=F("account__kind"),
            small_taxpayer=F("account__premises__building__community__vat_small_taxpayer"),
        )
        .only("account_id", "component_id", "basis", "unit_price", "quantity")
        .order_by("valid_from", "pk")
    )


# The columns a charge run fills per charge; the rest are the run's.
ROW_COLUMNS = (
    "account_id",
    "component_id",
    "title",
    "text_key",
    "text_params",
    "quantity",
    "unit_price",
    "amount",
    "vat_rate",
    "vat_basis",
    "due_date",
)


def charge_title(component: Names, period: date) -> StoredText:
    """ "Czynsz 11/2026": the component's name in the reader's language and the month."""
    # Translators: a monthly charge's title, e.g. "Rent 11/2026".
    key = gettext_noop("%(component)s %(month)s")
    return StoredText(key, {"component": component, "month": Month(period)})


def build_charges(run: ChargeRun, fees) -> list[tuple]:
    """One row (ROW_COLUMNS) per account and component; amounts from `Fee.amount_for`, VAT
    from the component's rule in force on the month's first day."""
    rules = vat_rules()
    latest = {}  # (account, component) -> fee; a later fee of the month wins
    for fee in fees:
        latest[fee.account_id, fee.component_id] = fee
    rows = []
    titles: dict[int, tuple] = {}  # component -> (Polish title, key, parameters)
    for fee in latest.values():
        amount = fee.amount_for(fee.floor_area)
        if amount <= 0:
            continue  # e.g. a per-person fee with nobody registered
        due_day = fee.terms_due_day or run.due_day
        vat = rules.vat(
            fee.component_id, fee.account_kind, run.period, small_taxpayer=bool(fee.small_taxpayer)
        )
        if fee.component_id not in titles:
            title = charge_title(Names(fee.component_name, fee.component_name_en), run.period)
            titles[fee.component_id] = (title.polish(), title.key, title.encoded())
        rows.append(
            (
                fee.account_id,
                fee.component_id,
                *titles[fee.component_id],
                fee.quantity_for(fee.floor_area),
                fee.unit_price,
                amount,
                vat.rate,
                vat.basis,
                deadline(run.period.replace(day=due_day)),  # art. 115 k.c.
            )
        )
    return rows


def insert_charges(run: ChargeRun, rows, progress=None) -> None:
    """Insert the rows, skipping any the unique constraint already holds; `progress(n)` after
    each batch with the rows written so far."""
    now = timezone.now()
    if connection.vendor != "postgresql":
        charges = [
            Charge(
                **dict(zip(ROW_COLUMNS, row, strict=True)),
                period=run.period,
                run=run,
                posted_at=now,
                posted_by_id=run.created_by_id,
            )
            for row in rows
        ]
        Charge.objects.bulk_create(charges, batch_size=BATCH, ignore_conflicts=True)
        return
    # PostgreSQL: COPY into a temporary table, then one INSERT … SELECT … ON CONFLICT DO
    # NOTHING a batch: three times faster than bulk INSERTs for 60,000 rows.
    table = connection.ops.quote_name(Charge._meta.db_table)
    columns = ", ".join(ROW_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE charge_run_rows (account_id bigint, component_id bigint, "
            "title text, text_key text, text_params jsonb, quantity numeric, unit_price numeric, "
            "amount numeric, vat_rate text, vat_basis text, due_date date) ON COMMIT DROP"
        )
        params = ROW_COLUMNS.index("text_params")
        for first in range(0, len(rows), PROGRESS_BATCH):
            with cursor.cursor.copy(f"COPY charge_run_rows ({columns}) FROM STDIN") as copy:
                for row in rows[first : first + PROGRESS_BATCH]:
                    copy.write_row(
                        (*row[:params], json.dumps(row[params]), *row[params + 1 :])
                    )
            cursor.execute(
                f"INSERT INTO {table} ({columns}, period, reason, run_id, posted_at, "  # noqa: S608
                f"posted_by_id) SELECT {columns}, %s, '', %s, %s, %s FROM charge_run_rows "
                "ON CONFLICT DO NOTHING",
                [run.period, run.pk, now, run.created_by_id],
            )
            cursor.execute("TRUNCATE charge_run_rows")
            if progress is not None:
                progress(min(first + PROGRESS_BATCH, len(rows)))
        cursor.execute("DROP TABLE charge_run_rows")  # a test's transaction never commits


PROGRESS_BATCH = 10_000  # rows a batch; the run's page shows the progress after each


class _ProgressWriter:
    """Writes a running run's progress from a connection of its own, so the page sees it
    while the run's one transaction is still open (PostgreSQL: a run is written by a worker;
    on SQLite it runs in the request, and the page sees it finished)."""

    def __init__(self, run_id: int):
        self.run_id = run_id
        self.side = (
            connections.create_connection(DEFAULT_DB_ALIAS)
            if connection.vendor == "postgresql"
            else None
        )

    def __call__(self, done: int, total: int | None = None) -> None:
        if self.side is None:
            return
        fields = {"fees_done": done} if total is None else {"fees_done": done, "fees_total": total}
        sets = ", ".join(f"{name} = %s" for name in fields)
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE billing_chargerun SET {sets} WHERE id = %s",  # noqa: S608 - our names
                [*fields.values(), self.run_id],
            )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def charge_run_execute(*, run_id: int, notify: bool = True) -> ChargeRun | None:
    """Do a pending run; returns it, or None when another worker has it or it is done."""
    claimed = ChargeRun.objects.filter(pk=run_id, status=ChargeRun.Status.PENDING).update(
        status=ChargeRun.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    run = ChargeRun.objects.get(pk=run_id)
    progress = _ProgressWriter(run_id)
    try:
        with transaction.atomic(durable=True):
            rows = build_charges(run, fees_to_charge(run.period))
            progress(0, len(rows))
            insert_charges(run, rows, progress)
            run.fees_total = run.fees_done = len(rows)
            # Counted from the table: a concurrent run may have won some rows.
            counts = Charge.objects.filter(run=run).aggregate(
                charges=Count("pk"), accounts=Count("account_id", distinct=True)
            )
            run.charges_created = counts["charges"]
            run.accounts_charged = counts["accounts"]
            run.status = ChargeRun.Status.DONE
            run.finished_at = timezone.now()
            run.save(
                update_fields=[
                    "charges_created", "accounts_charged", "status", "finished_at",
                    "fees_total", "fees_done",
                ]
            )
            if notify:
                # robust: a failing nudge must not turn a committed run into an error
                transaction.on_commit(lambda: _enqueue_after_run(run.pk), robust=True)
    except Exception as exc:
        log.exception("charge run %s failed", run_id)
        ChargeRun.objects.filter(pk=run_id).update(
            status=ChargeRun.Status.ERROR, error=str(exc)[:2000], finished_at=timezone.now()
        )
        run.refresh_from_db()
    finally:
        progress.close()
    return run


def charge_run_again(*, run: ChargeRun, clerk=None) -> ChargeRun:
    """A new run of the same month and payment day: adds only what is missing."""
    return charge_run_start(period=run.period, due_day=run.due_day, clerk=clerk, again=True)


def coming_month_run_start(*, today: date) -> ChargeRun | None:
    """The beat's run for next month, unless one is done, waiting or running already."""
    period = next_month(today)
    if ChargeRun.objects.filter(period=period).exclude(status=ChargeRun.Status.ERROR).exists():
        return None
    try:
        return charge_run_start(period=period)
    except BillingError:  # another scheduler started it a moment ago
        return None


STUCK_AFTER = timedelta(minutes=15)
NUDGE_AFTER = timedelta(minutes=2)


def charge_runs_sweep() -> list[int]:
    """Runs whose worker died are marked as errors (staff run them again); runs left waiting
    are nudged again. Returns the ids nudged."""
    now = timezone.now()
    ChargeRun.objects.filter(
        status=ChargeRun.Status.RUNNING, started_at__lt=now - STUCK_AFTER
    ).update(
        status=ChargeRun.Status.ERROR,
        error=_("Interrupted: the worker stopped. Run it again."),
        finished_at=now,
    )
    ids = list(
        ChargeRun.objects.filter(
            status=ChargeRun.Status.PENDING, created_at__lt=now - NUDGE_AFTER
        ).values_list("pk", flat=True)[:100]
    )
    for pk in ids:
        enqueue("billing.charge_run_execute", pk)
    return ids
