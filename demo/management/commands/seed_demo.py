"""Demo data: a small manager modelled on Zakład Budynków Miejskich w Cieszynie.

Safe to run twice: every row is found by its natural key and written only when it differs.
`--scale N` adds N municipal flats, each with an account and a resident login, for load tests.
"""

import datetime
from collections import Counter
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext
from schwifty import IBAN

from accounts.models import Account, AccountAccess, Building, Community, Premises, User
from accounts.register_cache import register_changed
from accounts.roles import ACCOUNTING, BOK
from billing.ledger.queries import account_state_of
from billing.ledger.totals import summary_differences
from core.admin_grammar import count_phrase
from core.enqueue import held
from core.money import format_pln
from demo.accessibility import seed_accessibility
from demo.faults import seed_faults
from demo.invoices import seed_invoices
from demo.ledger import seed_billing, seed_billing_scale
from demo.messaging import seed_messaging
from demo.meters import seed_meters
from demo.resolutions import seed_resolutions
from demo.water import seed_water

DEMO_PASSWORD = "demo-ebok-2026"  # noqa: S105 - printed on purpose: demo logins only
CITY = "Cieszyn"
POSTAL_CODE = "43-400"
VALID_FROM = datetime.date(2021, 1, 1)

R = Premises.Kind.RESIDENTIAL
C = Premises.Kind.COMMERCIAL
G = Premises.Kind.GARAGE
TENANCY = Account.Kind.MUNICIPAL_TENANCY
OWNERSHIP = Account.Kind.COMMUNITY_OWNERSHIP
LEASE = Account.Kind.COMMERCIAL_LEASE
HOLDER = AccountAccess.Role.HOLDER
CO_HOLDER = AccountAccess.Role.CO_HOLDER

# key, name, street, NIP, bank sort code, account code (16 digits), payee code of its virtual
# accounts (6 digits). Sort codes are real branches: the 8th digit is a check digit.
COMMUNITIES = [
    (
        "bobrecka",
        "Wspólnota Mieszkaniowa Bobrecka 12",
        "ul. Bobrecka 12",
        "5482311964",
        "81130007",
        "2001000012340001",
        "810012",
    ),
    (
        "mickiewicza",
        "Wspólnota Mieszkaniowa Mickiewicza 20–22",
        "ul. Mickiewicza 20",
        "5482576148",
        "10500086",
        "1000002398765432",
        "520022",
    ),
]

# key, street, community key (None: the municipal stock)
BUILDINGS = [
    ("gleboka", "ul. Głęboka 15", None),
    ("menniczna", "ul. Menniczna 8", None),
    ("srebrna", "ul. Srebrna 4", None),
    ("bobrecka", "ul. Bobrecka 12", "bobrecka"),
    ("mickiewicza20", "ul. Mickiewicza 20", "mickiewicza"),
    ("mickiewicza22", "ul. Mickiewicza 22", "mickiewicza"),
]

# building key, premises number, kind, floor area (m²), account number, account kind,
# holder, holder NIP (companies only)
PREMISES = [
    ("gleboka", "1", R, "38.20", "1001", TENANCY, "Tomasz Krawczyk", ""),
    ("gleboka", "2", R, "52.75", "1002", TENANCY, "Halina Dudek", ""),
    ("gleboka", "3", R, "44.10", "1003", TENANCY, "Józef Sikora", ""),
    ("gleboka", "4", R, "61.30", "1004", TENANCY, "Elżbieta Kaczmarczyk", ""),
    ("gleboka", "U1", C, "86.40", "1005", LEASE, "Kawiarnia Pod Ratuszem sp. z o.o.", "5482200414"),
    ("menniczna", "1", R, "47.90", "1006", TENANCY, "Krystyna Kubiak", ""),
    ("menniczna", "2", R, "33.60", "1007", TENANCY, "Grzegorz Pawlik", ""),
    ("menniczna", "3", R, "58.15", "1008", TENANCY, "Danuta Cieślar", ""),
    ("menniczna", "G1", G, "18.00", "1009", LEASE, "Stanisław Kubiak", ""),
    ("srebrna", "1", R, "41.25", "1010", TENANCY, "Wiesława Macura", ""),
    ("srebrna", "U1", C, "42.60", "1011", LEASE, "Zakład Fryzjerski Renata Pawlak", "5482457030"),
    ("bobrecka", "1", R, "54.30", "2001", OWNERSHIP, "Jadwiga Czyż", ""),
    ("bobrecka", "2", R, "62.85", "2002", OWNERSHIP, "Andrzej Broda", ""),
    ("bobrecka", "3", R, "71.40", "2003", OWNERSHIP, "Piotr i Magdalena Zielińscy", ""),
    ("bobrecka", "4", R, "48.05", "2004", OWNERSHIP, "Marta Sztwiertnia", ""),
    ("bobrecka", "G1", G, "16.50", "2005", OWNERSHIP, "Piotr Zieliński", ""),
    ("mickiewicza20", "1", R, "45.70", "3001", OWNERSHIP, "Ryszard Hanzel", ""),
    ("mickiewicza20", "2", R, "66.20", "3002", OWNERSHIP, "Beata Kohut", ""),
    ("mickiewicza20", "U1", C, "95.80", "3003", OWNERSHIP, "Apteka Pod Orłem s.c.", "5480039133"),
    ("mickiewicza22", "1", R, "39.95", "3004", OWNERSHIP, "Zbigniew Franek", ""),
    # An unsold municipal flat: the municipality is an owner in the community.
    ("mickiewicza22", "2", R, "57.35", "3005", OWNERSHIP, "Gmina Cieszyn", "5482576148"),
]

# username, first name, last name, kind (resident / bok / accounting / admin), who they are
LOGINS = [
    ("najemca", "Tomasz", "Krawczyk", "resident", "tenant of a municipal flat"),
    ("wlasciciel", "Piotr", "Zieliński", "resident", "owner of a flat and a garage"),
    ("wspolwlasciciel", "Magdalena", "Zielińska", "resident", "co-owner of the flat"),
    ("firma", "Agnieszka", "Szczepańska", "resident", "commercial tenant (company)"),
    ("bok", "Ewa", "Mazur", "bok", "BOK clerk"),
    ("ksiegowa", "Barbara", "Lewandowska", "accounting", "accountant"),
    ("admin", "Marek", "Wiśniewski", "admin", "superuser"),
]

# username, account number, role
ACCESSES = [
    ("najemca", "1001", HOLDER),
    ("wlasciciel", "2003", HOLDER),
    ("wlasciciel", "2005", HOLDER),
    ("wspolwlasciciel", "2003", CO_HOLDER),
    ("firma", "1005", HOLDER),
]

STAFF_GROUPS = {"bok": BOK, "accounting": ACCOUNTING}

# --scale: more municipal buildings in Cieszyn, 40 flats each.
SCALE_STREETS = [
    "ul. Katowicka",
    "ul. Liburnia",
    "ul. Słowicza",
    "ul. Skrajna",
    "ul. Wojska Polskiego",
    "ul. Kolejowa",
    "ul. Łączna",
    "ul. Stawowa",
    "ul. Moniuszki",
    "ul. Kraszewskiego",
]
SCALE_PER_BUILDING = 40
SCALE_ACCOUNT_BASE = 5_000_000  # scale account i has number 5000000 + i
SCALE_LOGIN = "mieszkaniec"  # + five digits
SCALE_MAX = 99_999
SCALE_VALID_FROM = datetime.date(2016, 1, 1)  # old enough for 10 years of billing history
BATCH = 1000
# The demo's documents are drawn when first downloaded (or by the worker's sweeper), not while
# `make run` waits for its first page.
DEMO_HELD_TASKS = (
    "billing.invoice_pdf_render",
    "billing.water_settlement_pdf_render",
    "billing.water_settlement_pdfs_render_run",
    "billing.certificate_pdf_render",
)

# (male, female) first names and surnames for the scale residents
FIRST_NAMES = [
    ("Adam", "Anna"),
    ("Jan", "Maria"),
    ("Paweł", "Katarzyna"),
    ("Michał", "Małgorzata"),
    ("Krzysztof", "Agnieszka"),
    ("Łukasz", "Joanna"),
    ("Wojciech", "Zofia"),
]
SURNAMES = [
    ("Nowak", "Nowak"),
    ("Kowalski", "Kowalska"),
    ("Wójcik", "Wójcik"),
    ("Kamiński", "Kamińska"),
    ("Lewandowski", "Lewandowska"),
    ("Szczepański", "Szczepańska"),
    ("Cieślar", "Cieślar"),
    ("Kisiała", "Kisiała"),
    ("Żmija", "Żmija"),
    ("Pszczółka", "Pszczółka"),
    ("Górniak", "Górniak"),
]


def hundredths(area):
    return int(Decimal(area) * 100)


def community_shares():
    """Exact shares: the premises' area over its community's total area, both in hundredths."""
    community_of = {key: community for key, _, community in BUILDINGS}
    totals = Counter()
    for building, _, _, area, *_ in PREMISES:
        if community_of[building]:
            totals[community_of[building]] += hundredths(area)
    shares = {}
    for building, number, _, area, *_ in PREMISES:
        if community_of[building]:
            shares[building, number] = (hundredths(area), totals[community_of[building]])
    return shares


def scale_street(building_index):
    streets = len(SCALE_STREETS)
    return f"{SCALE_STREETS[building_index % streets]} {building_index // streets + 1}"


def scale_person(i):
    female = i % 2
    first = FIRST_NAMES[i % len(FIRST_NAMES)][female]
    last = SURNAMES[(i * 5) % len(SURNAMES)][female]
    return first, last


def scale_area(i):
    return Decimal(2500 + (i * 7919) % 5000) / 100  # 25.00–74.99 m²


def chunks(values, size=BATCH):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def existing(queryset, field, values, *fields):
    """Rows whose `field` is in `values`, in chunks (databases cap query parameters)."""
    rows = []
    for chunk in chunks(values):
        rows.extend(queryset.filter(**{f"{field}__in": chunk}).values_list(field, *fields))
    return rows


def clean_for_bulk(obj):
    # Uniqueness and check constraints cost a query per row; the database enforces them.
    obj.full_clean(validate_unique=False, validate_constraints=False)
    return obj


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
        self.created = Counter()
        self.updated = Counter()
        self._password_hash = None
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
        with transaction.atomic():
            self.seed_register()
            self.seed_logins()
            if scale:
                self.seed_scale(scale)
            register_changed()  # bulk_create sends no signals
        # Billing after the register is committed: each charge run owns its transaction.
        today = timezone.localdate()
        self.created["billing"] += seed_billing(self.accounts, today=today)
        if scale:
            counts = seed_billing_scale(self.scale_account_ids, months=history_months, today=today)
            self.created["billing"] += sum(counts.values())
        self.created["invoices"] += seed_invoices(today=today)
        self.created["meters"] += sum(seed_meters(today=today).values())
        self.created["water"] += seed_water(today=today)
        self.created["resolutions"] += sum(seed_resolutions(today=today).values())
        self.created["messaging"] += sum(seed_messaging(today=today).values())
        self.created["faults"] += seed_faults()
        self.created["accessibility"] += seed_accessibility(today=today)
        if scale and connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # planner statistics after the bulk load
                cursor.execute("ANALYZE")

    # -- helpers ---------------------------------------------------------------------------

    @property
    def password_hash(self):
        # Hashing is deliberately slow: do it once per run and share the hash.
        if self._password_hash is None:
            self._password_hash = make_password(DEMO_PASSWORD)
        return self._password_hash

    def upsert(self, model, lookup, values, create_only=None):
        """Find by natural key; create, or write only the fields that differ."""
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            extra = {name: make() for name, make in (create_only or {}).items()}
            obj = model(**lookup, **values, **extra)
            self.created[model._meta.model_name] += 1
        else:
            changed = [name for name, value in values.items() if getattr(obj, name) != value]
            if not changed:
                return obj
            for name in changed:
                setattr(obj, name, values[name])
            self.updated[model._meta.model_name] += 1
        obj.full_clean()
        obj.save()
        return obj

    # -- the base demo ---------------------------------------------------------------------

    def seed_register(self):
        address = {"postal_code": POSTAL_CODE, "city": CITY}
        communities = {}
        for key, name, street, nip, sort_code, account_code, payee in COMMUNITIES:
            bank_account = str(IBAN.generate("PL", bank_code=sort_code, account_code=account_code))
            communities[key] = self.upsert(
                Community,
                {"name": name},
                {
                    "street": street,
                    **address,
                    "nip": nip,
                    "bank_account": bank_account[2:],
                    "virtual_prefix": sort_code + payee,
                },
            )
        buildings = {}
        for key, street, community in BUILDINGS:
            buildings[key] = self.upsert(
                Building,
                {"street": street, **address},
                {"community": communities[community] if community else None},
            )
        shares = community_shares()
        self.accounts = {}
        for building, number, kind, area, account_number, account_kind, holder, nip in PREMISES:
            numerator, denominator = shares.get((building, number), (None, None))
            premises = self.upsert(
                Premises,
                {"building": buildings[building], "number": number},
                {
                    "kind": kind,
                    "floor_area": Decimal(area),
                    "share_numerator": numerator,
                    "share_denominator": denominator,
                },
            )
            virtual_nrb = Account(number=account_number, premises=premises).default_virtual_nrb()
            self.accounts[account_number] = self.upsert(
                Account,
                {"number": account_number},
                {
                    "premises": premises,
                    "kind": account_kind,
                    "holder_name": holder,
                    "holder_nip": nip,
                    "valid_from": VALID_FROM,
                    "valid_to": None,
                    "virtual_nrb": virtual_nrb,
                },
            )

    def seed_logins(self):
        groups = {}
        for kind, name in STAFF_GROUPS.items():
            try:
                groups[kind] = Group.objects.get(name=name)
            except Group.DoesNotExist:
                raise CommandError(f"Group {name!r} is missing: run migrate first.") from None
        users = {}
        for username, first_name, last_name, kind, _ in LOGINS:
            email = f"{username}@example.pl"
            user = self.upsert(
                User,
                {"username": username},
                {
                    "first_name": first_name,
                    "last_name": last_name,
                    "email": email,
                    "is_active": True,
                    "is_staff": kind != "resident",
                    "is_superuser": kind == "admin",
                    "must_change_password": False,
                },
                # Only a new login gets the demo password; a rerun leaves passwords alone.
                create_only={"password": lambda: self.password_hash},
            )
            if kind in groups and not user.groups.filter(pk=groups[kind].pk).exists():
                user.groups.add(groups[kind])
                self.updated["user"] += 1
            self.upsert(
                EmailAddress,
                {"user": user, "email": email},
                {"verified": True, "primary": True},
            )
            users[username] = user
        for username, number, role in ACCESSES:
            self.upsert(
                AccountAccess,
                {"user": users[username], "account": self.accounts[number], "revoked_at": None},
                {"role": role},
            )

    # -- --scale ---------------------------------------------------------------------------

    def seed_scale(self, n):
        indexes = range(1, n + 1)
        buildings = self.scale_buildings(n)
        premises = self.scale_premises(indexes, buildings)
        accounts = self.scale_accounts(indexes, premises)
        self.scale_account_ids = list(accounts.values())
        users = self.scale_users(indexes)
        wanted = {(users[i], accounts[i]) for i in indexes}
        current = set(
            AccountAccess.objects.current()
            .filter(user__username__startswith=SCALE_LOGIN)
            .values_list("user_id", "account_id")
        )
        missing = [
            clean_for_bulk(AccountAccess(user_id=user, account_id=account, role=HOLDER))
            for user, account in sorted(wanted - current)
        ]
        AccountAccess.objects.bulk_create(missing, batch_size=BATCH)
        self.created["accountaccess"] += len(missing)

    def scale_buildings(self, n):
        streets = [scale_street(k) for k in range((n - 1) // SCALE_PER_BUILDING + 1)]
        municipal = Building.objects.filter(postal_code=POSTAL_CODE, city=CITY)
        found = dict(existing(municipal, "street", streets, "pk"))
        missing = [
            clean_for_bulk(Building(street=street, postal_code=POSTAL_CODE, city=CITY))
            for street in streets
            if street not in found
        ]
        Building.objects.bulk_create(missing, batch_size=BATCH)
        self.created["building"] += len(missing)
        return {
            building.street: building
            for building in Building.objects.filter(street__in=streets, **_address())
        }

    def scale_premises(self, indexes, buildings):
        def key(i):
            building = buildings[scale_street((i - 1) // SCALE_PER_BUILDING)]
            return building, str((i - 1) % SCALE_PER_BUILDING + 1)

        ids = [b.pk for b in buildings.values()]
        found = {
            (p.building_id, p.number): p
            for p in Premises.objects.filter(building_id__in=ids).select_related("building")
        }
        missing = []
        for i in indexes:
            building, number = key(i)
            if (building.pk, number) not in found:
                premises = Premises(building=building, number=number, kind=R, floor_area=0)
                premises.floor_area = scale_area(i)
                missing.append(clean_for_bulk(premises))
        Premises.objects.bulk_create(missing, batch_size=BATCH)
        self.created["premises"] += len(missing)
        if missing:
            found = {
                (p.building_id, p.number): p
                for p in Premises.objects.filter(building_id__in=ids).select_related("building")
            }
        return {i: found[key(i)[0].pk, key(i)[1]] for i in indexes}

    def scale_accounts(self, indexes, premises):
        numbers = {i: str(SCALE_ACCOUNT_BASE + i) for i in indexes}
        found = dict(existing(Account.objects.all(), "number", numbers.values(), "pk"))
        missing = []
        for i in indexes:
            if numbers[i] in found:
                continue
            first, last = scale_person(i)
            account = Account(
                number=numbers[i],
                premises=premises[i],
                kind=TENANCY,
                holder_name=f"{first} {last}",
                valid_from=SCALE_VALID_FROM,
            )
            account.virtual_nrb = account.default_virtual_nrb()
            missing.append(clean_for_bulk(account))
        Account.objects.bulk_create(missing, batch_size=BATCH)
        self.created["account"] += len(missing)
        if missing:
            found = dict(existing(Account.objects.all(), "number", numbers.values(), "pk"))
        return {i: found[numbers[i]] for i in indexes}

    def scale_users(self, indexes):
        usernames = {i: f"{SCALE_LOGIN}{i:05d}" for i in indexes}
        found = dict(existing(User.objects.all(), "username", usernames.values(), "pk"))
        missing = []
        for i in indexes:
            if usernames[i] in found:
                continue
            first, last = scale_person(i)
            user = User(
                username=usernames[i],
                first_name=first,
                last_name=last,
                email=f"{usernames[i]}@example.pl",
                password=self.password_hash,
            )
            missing.append(clean_for_bulk(user))
        User.objects.bulk_create(missing, batch_size=BATCH)
        self.created["user"] += len(missing)
        if missing:
            found = dict(existing(User.objects.all(), "username", usernames.values(), "pk"))
        return {i: found[usernames[i]] for i in indexes}

    # -- output ----------------------------------------------------------------------------

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
            % {"created": sum(self.created.values()), "updated": sum(self.updated.values())}
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


def _address():
    return {"postal_code": POSTAL_CODE, "city": CITY}
