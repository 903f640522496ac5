"""The demo's register: a small manager modelled on Zakład Budynków Miejskich w Cieszynie, with
the municipal stock and two housing communities, their buildings, premises and accounts."""

import datetime
from collections import Counter
from decimal import Decimal

from schwifty import IBAN

from accounts.models import Account, Building, Community, Premises

CITY = "Cieszyn"
POSTAL_CODE = "43-400"
VALID_FROM = datetime.date(2021, 1, 1)

R = Premises.Kind.RESIDENTIAL
C = Premises.Kind.COMMERCIAL
G = Premises.Kind.GARAGE
TENANCY = Account.Kind.MUNICIPAL_TENANCY
OWNERSHIP = Account.Kind.COMMUNITY_OWNERSHIP
LEASE = Account.Kind.COMMERCIAL_LEASE

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


def seed_register(seeding) -> dict[str, Account]:
    """The communities, buildings, premises and accounts; returns the accounts by number."""
    address = {"postal_code": POSTAL_CODE, "city": CITY}
    communities = {}
    for key, name, street, nip, sort_code, account_code, payee in COMMUNITIES:
        bank_account = str(IBAN.generate("PL", bank_code=sort_code, account_code=account_code))
        communities[key] = seeding.upsert(
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
        buildings[key] = seeding.upsert(
            Building,
            {"street": street, **address},
            {"community": communities[community] if community else None},
        )
    shares = community_shares()
    accounts = {}
    for building, number, kind, area, account_number, account_kind, holder, nip in PREMISES:
        numerator, denominator = shares.get((building, number), (None, None))
        premises = seeding.upsert(
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
        accounts[account_number] = seeding.upsert(
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
    return accounts
