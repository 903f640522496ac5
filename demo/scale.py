"""`seed_demo --scale N`: N more municipal flats in Cieszyn, each with an account and a resident
login, written in bulk for load tests. Only the missing ones are made."""

import datetime
from decimal import Decimal

from accounts.models import Account, AccountAccess, Building, Premises, User
from demo.register import CITY, POSTAL_CODE, TENANCY, R

# More municipal buildings in Cieszyn, 40 flats each.
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


def seed_scale(seeding, n) -> list[int]:
    """Flats 1…n with their accounts, logins and access; returns the accounts' ids."""
    indexes = range(1, n + 1)
    buildings = scale_buildings(seeding, n)
    premises = scale_premises(seeding, indexes, buildings)
    accounts = scale_accounts(seeding, indexes, premises)
    users = scale_users(seeding, indexes)
    wanted = {(users[i], accounts[i]) for i in indexes}
    current = set(
        AccountAccess.objects.current()
        .filter(user__username__startswith=SCALE_LOGIN)
        .values_list("user_id", "account_id")
    )
    missing = [
        clean_for_bulk(
            AccountAccess(user_id=user, account_id=account, role=AccountAccess.Role.HOLDER)
        )
        for user, account in sorted(wanted - current)
    ]
    AccountAccess.objects.bulk_create(missing, batch_size=BATCH)
    seeding.created["accountaccess"] += len(missing)
    return list(accounts.values())


def scale_buildings(seeding, n):
    streets = [scale_street(k) for k in range((n - 1) // SCALE_PER_BUILDING + 1)]
    municipal = Building.objects.filter(postal_code=POSTAL_CODE, city=CITY)
    found = dict(existing(municipal, "street", streets, "pk"))
    missing = [
        clean_for_bulk(Building(street=street, postal_code=POSTAL_CODE, city=CITY))
        for street in streets
        if street not in found
    ]
    Building.objects.bulk_create(missing, batch_size=BATCH)
    seeding.created["building"] += len(missing)
    return {
        building.street: building
        for building in Building.objects.filter(
            street__in=streets, postal_code=POSTAL_CODE, city=CITY
        )
    }


def scale_premises(seeding, indexes, buildings):
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
    seeding.created["premises"] += len(missing)
    if missing:
        found = {
            (p.building_id, p.number): p
            for p in Premises.objects.filter(building_id__in=ids).select_related("building")
        }
    return {i: found[key(i)[0].pk, key(i)[1]] for i in indexes}


def scale_accounts(seeding, indexes, premises):
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
    seeding.created["account"] += len(missing)
    if missing:
        found = dict(existing(Account.objects.all(), "number", numbers.values(), "pk"))
    return {i: found[numbers[i]] for i in indexes}


def scale_users(seeding, indexes):
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
            password=seeding.password_hash,
        )
        missing.append(clean_for_bulk(user))
    User.objects.bulk_create(missing, batch_size=BATCH)
    seeding.created["user"] += len(missing)
    if missing:
        found = dict(existing(User.objects.all(), "username", usernames.values(), "pk"))
    return {i: found[usernames[i]] for i in indexes}
