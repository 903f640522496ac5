"""Demo data: a small manager modelled on Zakład Budynków Miejskich w Cieszynie.

Safe to run twice: every row is found by its natural key and written only when it differs.
`--scale N` adds N municipal flats, each with an account and a resident login, for load tests.
The data is in the modules of `demo`: the register and logins first, then each area's own.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Account, Building, Community, Premises, User
from accounts.register_cache import register_changed
from billing.ledger.queries import account_state_of
from billing.ledger.totals import summary_differences
from core.admin_grammar import count_phrase
from core.enqueue import held
from core.money import format_pln
from demo.accessibility import seed_accessibility
from demo.faults import seed_faults
from demo.invoices import seed_invoices
from demo.ledger import seed_billing, seed_billing_scale
from demo.logins import ACCESSES, DEMO_PASSWORD, LOGINS, seed_logins
from demo.messaging import seed_messaging
from demo.meters import seed_meters
from demo.register import seed_register
from demo.resolutions import seed_resolutions
from demo.scale import SCALE_ACCOUNT_BASE, SCALE_LOGIN, SCALE_MAX, SCALE_PER_BUILDING, seed_scale
from demo.seeding import Seeding
from demo.water import seed_water

# The demo's documents are drawn when first downloaded (or by the worker's sweeper), not while
# `make run` waits for its first page.
DEMO_HELD_TASKS = (
    "billing.invoice_pdf_render",
    "billing.water_settlement_pdf_render",
    "billing.water_settlement_pdfs_render_run",
    "billing.certificate_pdf_render",
)


class Command(BaseCommand):
    help = "Create demo data (a small Cieszyn property manager) and demo logins; safe to rerun."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            metavar="N",
            help=(
                "Also create N municipal flats, each with an account and a resident login "
                f"({SCALE_LOGIN}00001 …), {SCALE_PER_BUILDING} per building; only the missing "
                f"ones are made (at most {SCALE_MAX})."
            ),
        )
        parser.add_argument(
            "--history-months",
            type=int,
            default=0,
            metavar="M",
            help=(
                "With --scale: give the scale accounts fee schedules and M months of charges and "
                "payments up to this month (120 for the benchmarks' 10 years)."
            ),
        )

    def handle(self, *args, scale, history_months, **options):
        if not 0 <= scale <= SCALE_MAX:
            raise CommandError(f"--scale must be between 0 and {SCALE_MAX}.")
        if not 0 <= history_months <= 240:
            raise CommandError("--history-months must be between 0 and 240.")
        self.seeding = Seeding()
        with held(*DEMO_HELD_TASKS):
            self.seed(scale, history_months)
        differences = summary_differences()
        if differences:
            raise CommandError(
                f"The ledger summary disagrees with the entries ({differences.months} month rows, "
                f"{differences.totals} account rows): every balance shown would be wrong. "
                "Run: manage.py ledger_summary --repair"
            )
        self.report(scale)

    def seed(self, scale, history_months):
        seeding = self.seeding
        created = seeding.created
        with transaction.atomic():
            accounts = seed_register(seeding)
            seed_logins(seeding, accounts)
            if scale:
                scale_account_ids = seed_scale(seeding, scale)
            register_changed()  # bulk_create sends no signals
        # Billing after the register is committed: each charge run owns its transaction.
        today = timezone.localdate()
        created["billing"] += seed_billing(accounts, today=today)
        if scale:
            counts = seed_billing_scale(scale_account_ids, months=history_months, today=today)
            created["billing"] += sum(counts.values())
        created["invoices"] += seed_invoices(today=today)
        created["meters"] += sum(seed_meters(today=today).values())
        created["water"] += seed_water(today=today)
        created["resolutions"] += sum(seed_resolutions(today=today).values())
        created["messaging"] += sum(seed_messaging(today=today).values())
        created["faults"] += seed_faults()
        created["accessibility"] += seed_accessibility(today=today)
        if scale and connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # planner statistics after the bulk load
                cursor.execute("ANALYZE")

    def report(self, scale):
        write = self.stdout.write
        today = timezone.localdate()
        totals = ", ".join(
            count_phrase(model._meta, model.objects.count())
            for model in (Community, Building, Premises, Account, User)
        )
        write(self.style.SUCCESS(gettext("Demo data ready: %(totals)s.") % {"totals": totals}))
        write(
            gettext("This run: rows created: %(created)s, rows updated: %(updated)s.")
            % {
                "created": sum(self.seeding.created.values()),
                "updated": sum(self.seeding.updated.values()),
            }
        )
        if scale:
            write(
                f"Scale: {scale} municipal flats with accounts {SCALE_ACCOUNT_BASE + 1}… and "
                f"logins {SCALE_LOGIN}00001…{SCALE_LOGIN}{scale:05d}."
            )
        numbers = {}
        for username, number, _ in ACCESSES:
            numbers.setdefault(username, []).append(number)
        write("")
        write(f"Balances today ({today:%d.%m.%Y}), as the residents' pages show them:")
        for line in story_balances(today):
            write(f"  {line}")
        write("")
        write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        write(f"  {'login':<16} {'who':<30} accounts")
        for username, _, _, _, who in LOGINS:
            write(f"  {username:<16} {who:<30} {', '.join(numbers.get(username, [])) or '—'}")


STORY_ACCOUNTS = [("najemca", "1001"), ("firma", "1005"), ("wlasciciel", "2003")]


def story_balances(today) -> list[str]:
    """The README's demo story in today's figures: what each story account owes or has
    overpaid, and how much of it is overdue."""
    lines = []
    accounts = Account.objects.in_bulk([n for _, n in STORY_ACCOUNTS], field_name="number")
    for username, number in STORY_ACCOUNTS:
        if number not in accounts:
            continue
        state = account_state_of(accounts[number], today)
        if state.balance < 0:
            figures = f"owes {format_pln(state.owed)}, {format_pln(state.overdue)} of it overdue"
        else:
            figures = f"owes nothing, {format_pln(state.balance)} overpaid"
        lines.append(f"{username:<11} account {number}: {figures}")
    return lines
