"""What the system holds about one person, as tables of typed values (privacy/cells.py says
how each reads in JSON, CSV and the PDF). Each app declares its own tables in its
privacy_export.py (core/personal_data.py); this module puts them in the resident's order.
Money and charges only of the accounts the person may act for now: a former co-holder gets
their own access history, not the new holder's money. Nothing of anyone else's is selected."""

from dataclasses import dataclass, field
from functools import cache

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import AccountAccess, User
from core.app_modules import app_modules
from core.personal_data import MOMENT, Column, Person, Row, Section

# The order the resident reads the tables in (dane.json, the CSV files, the PDF). A section an
# app declares that is not listed here comes after these.
ORDER = [
    "accounts", "charges", "payments", "invoices", "certificates", "readings", "fault_reports",
    "messages", "notifications", "notices", "votes", "consents",
]


@dataclass
class Table:
    key: str  # the list's name in dane.json
    file: str  # the CSV file's name, without .csv
    title: str | Promise
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)


@cache
def declared_sections() -> list[tuple[str, Section]]:
    """(app label, section) of every app's privacy_export.SECTIONS, in the resident's order."""
    found = [
        (label, section) for label, module in app_modules("privacy_export")
        for section in module.SECTIONS
    ]
    listed = {key: place for place, key in enumerate(ORDER)}
    return sorted(found, key=lambda item: listed.get(item[1].key, len(ORDER)))


def profile_of(user: User) -> Table:
    columns = [
        Column("login", _("Login")),
        Column("first_name", _("First name")),
        Column("last_name", _("Last name")),
        Column("email", _("E-mail")),
        Column("phone", _("Phone")),
        Column("joined", _("Login created on"), MOMENT),
        Column("last_login", _("Last logged in"), MOMENT),
    ]
    row = [
        user.username, user.first_name, user.last_name, user.email, user.phone,
        user.date_joined, user.last_login,
    ]
    return Table("profile", "profil", _("Your data"), columns, [row])


def person_of(user: User) -> Person:
    """The user with the accounts they may act for now (access not revoked)."""
    current = AccountAccess.objects.current().filter(user=user)
    return Person(user, list(current.values_list("account_id", flat=True)))


def collect(user: User) -> list[Table]:
    person = person_of(user)
    return [
        Table(s.key, s.file, s.title, s.columns, list(s.rows(person)))
        for _app, s in declared_sections()
    ]
