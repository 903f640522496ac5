"""The demo logins: four residents with their accounts, a BOK clerk, an accountant and an
administrator, all with the password DEMO_PASSWORD."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.management.base import CommandError

from accounts.models import AccountAccess, User
from accounts.roles import ACCOUNTING, BOK

DEMO_PASSWORD = "demo-ebok-2026"  # noqa: S105 - printed on purpose: demo logins only
HOLDER = AccountAccess.Role.HOLDER
CO_HOLDER = AccountAccess.Role.CO_HOLDER

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


def seed_logins(seeding, accounts) -> None:
    """The logins, their e-mail addresses, staff groups and access to `accounts` (by number)."""
    groups = {}
    for kind, name in STAFF_GROUPS.items():
        try:
            groups[kind] = Group.objects.get(name=name)
        except Group.DoesNotExist:
            raise CommandError(f"Group {name!r} is missing: run migrate first.") from None
    users = {}
    for username, first_name, last_name, kind, _ in LOGINS:
        email = f"{username}@example.pl"
        user = seeding.upsert(
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
            create_only={"password": lambda: seeding.password_hash},
        )
        if kind in groups and not user.groups.filter(pk=groups[kind].pk).exists():
            user.groups.add(groups[kind])
            seeding.updated["user"] += 1
        seeding.upsert(
            EmailAddress,
            {"user": user, "email": email},
            {"verified": True, "primary": True},
        )
        users[username] = user
    for username, number, role in ACCESSES:
        seeding.upsert(
            AccountAccess,
            {"user": users[username], "account": accounts[number], "revoked_at": None},
            {"role": role},
        )
