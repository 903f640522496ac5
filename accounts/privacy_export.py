"""The register's part of the "my data" export (core/personal_data.py): the person's accounts
with their access history, and their consents."""

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from core.personal_data import MOMENT, Column, Person, Row, Section

from .models import AccountAccess, Consent


def _accounts(person: Person) -> Iterator[Row]:
    """Every access the person has had, a revoked one too: a former co-holder sees theirs."""
    accesses = (
        AccountAccess.objects.filter(user=person.user)
        .select_related("account__premises__building")
        .order_by("granted_at", "pk")
    )
    for a in accesses:
        yield [
            a.account.number,
            str(a.account.premises),
            a.account.get_kind_display(),
            a.account.holder_name,
            a.get_role_display(),
            a.granted_at,
            a.revoked_at,
        ]


def _consents(person: Person) -> Iterator[Row]:
    for c in Consent.objects.filter(user=person.user).order_by("given_at", "pk"):
        yield [c.get_kind_display(), c.given_at, c.withdrawn_at]


SECTIONS = [
    Section(
        "accounts", "konta", _("Accounts"),
        [
            Column("account", _("Account")),
            Column("premises", _("Premises")),
            Column("kind", _("Kind of account")),
            Column("holder", _("Holder")),
            Column("role", _("Your role")),
            Column("granted_at", _("Access since"), MOMENT),
            Column("revoked_at", _("Access until"), MOMENT),
        ],
        _accounts,
    ),
    Section(
        "consents", "zgody", _("Consents"),
        [
            Column("consent", _("Consent")),
            Column("given_at", _("Given"), MOMENT),
            Column("withdrawn_at", _("Withdrawn"), MOMENT),
        ],
        _consents,
    ),
]
