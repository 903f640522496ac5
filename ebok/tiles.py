"""The dashboard's feature tiles. A feature adds its tile here when it exists; a tile shows
only when one of the user's accounts is of a kind the feature serves."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from accounts.models import Account

from .urls_cache import page_url

ALL_KINDS = frozenset(Account.Kind.values)


@dataclass(frozen=True)
class Tile:
    title: str
    description: str
    url_name: str
    kinds: frozenset = ALL_KINDS

    @property
    def url(self):
        return page_url(self.url_name)


TILES = [
    Tile(
        _("Fees and payments"),
        _("Your balance, this month's charges, payment history and how to pay."),
        "billing:index",
    ),
    Tile(
        _("Invoices"),
        _("VAT invoices of your commercial lease, to download as PDF."),
        "billing:invoices",
        frozenset({Account.Kind.COMMERCIAL_LEASE}),
    ),
    Tile(
        _("Water meters"),
        _("Submit meter readings and see your water use."),
        "meters:index",
    ),
    Tile(
        _("Fault reports"),
        _("Report a fault with photos and follow its repair."),
        "faults:index",
    ),
    Tile(
        _("Resolutions and voting"),
        _("Read your community's resolutions and vote on them."),
        "resolutions:index",
        frozenset({Account.Kind.COMMUNITY_OWNERSHIP}),
    ),
    Tile(
        _("Notifications"),
        _("Notices from the manager and notifications about your accounts."),
        "messaging:notification_list",
    ),
    Tile(
        _("Profile and settings"),
        _("Your contact data, what we e-mail you, documents by e-mail, your data to download."),
        "profile",
    ),
    Tile(
        _("Messages to BOK"),
        _("Write to the customer service office about your account and read the answers."),
        "messaging:thread_list",
    ),
]


def tiles_for(accounts, unread_count=0):
    kinds = {a.kind for a in accounts}
    shown = []
    for tile in TILES:
        if kinds & tile.kinds or tile.kinds == ALL_KINDS:
            badge = unread_count if tile.url_name == "messaging:notification_list" else None
            shown.append((tile, badge))
    return shown
