"""Whose money a bank account collects: a housing community's (its own account, or a virtual
account of its range) or the municipality's (everything else, or only MUNICIPAL_BANK_ACCOUNTS
and the municipal virtual range when that setting lists the manager's accounts). A statement
line may pay only accounts of the creditor whose bank account received it (DOMAIN.md §2)."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.models import Account, Community

MUNICIPAL = None  # the community id of the municipality's own accounts: none
_NOT_DIGIT = re.compile(r"[^0-9]")


@dataclass(frozen=True)
class Creditor:
    community_id: int | None  # None: the municipality (the manager's own accounts)
    name: str


def nrb_of(bank_account: str) -> str:
    """The digits of an account however written: `/PL61 1090 …` gives its 26-digit NRB."""
    return _NOT_DIGIT.sub("", bank_account or "")


class Creditors:
    """The creditors by bank account, loaded once per import."""

    def __init__(self, communities, municipal_accounts, municipal_prefix):
        self.by_account = {}
        self.by_prefix = {}
        for pk, name, account, prefix in communities:
            creditor = Creditor(pk, name)
            self.by_account[account] = creditor
            self.by_prefix[prefix] = creditor
        self.municipal = Creditor(MUNICIPAL, settings.MANAGER_NAME)
        self.municipal_accounts = {nrb_of(a) for a in municipal_accounts if nrb_of(a)}
        self.municipal_prefix = municipal_prefix

    @classmethod
    def load(cls):
        return cls(
            Community.objects.values_list("pk", "name", "bank_account", "virtual_prefix"),
            settings.MUNICIPAL_BANK_ACCOUNTS,
            settings.MUNICIPAL_VIRTUAL_PREFIX,
        )

    def of(self, bank_account: str) -> Creditor | None:
        """The creditor whose money comes to `bank_account`; None when it is nobody's we know
        (possible only when MUNICIPAL_BANK_ACCOUNTS lists the manager's accounts)."""
        nrb = nrb_of(bank_account)
        found = self.by_account.get(nrb)
        if found is None and len(nrb) == 26:
            found = self.by_prefix.get(nrb[2:16])
            if found is None and nrb[2:16] == self.municipal_prefix:
                found = self.municipal
        if found is not None:
            return found
        if self.municipal_accounts and nrb not in self.municipal_accounts:
            return None
        return self.municipal


def community_of(account: Account) -> int | None:
    return account.premises.building.community_id


def refusal(creditor: Creditor | None, account: Account | None) -> str:
    """Why a transfer to `creditor`'s bank account cannot pay `account`, or ''."""
    if creditor is None:
        return _(
            "The statement's bank account is neither the manager's nor a housing community's: "
            "its transfers cannot pay any account."
        )
    if account is None or community_of(account) == creditor.community_id:
        return ""
    return _(
        "This transfer came to the bank account of %(creditor)s; account %(number)s owes "
        "%(other)s. A creditor's money cannot pay another creditor's charges."
    ) % {
        "creditor": creditor.name,
        "number": account.number,
        "other": account.premises.building.community or settings.MANAGER_NAME,
    }
