"""The transfer a resident makes for an account: recipient, account number, title, amount."""

from decimal import Decimal

from django.conf import settings

from billing.bank.qr import Transfer


def recipient_of(account) -> tuple[str, str]:
    """(name, NIP) of the creditor: the community for its owners, else the manager."""
    community = account.premises.building.community
    if community is not None:
        return community.name, community.nip
    return settings.MANAGER_NAME, settings.MANAGER_NIP


def premises_label(account) -> str:
    premises = account.premises
    return f"{premises.building.street}/{premises.number}"


def transfer_title(account) -> str:
    # Polish whatever the page's language: the title lands on the creditor's bank statement.
    return f"Opłaty za lokal {premises_label(account)}, konto {account.number}"


def qr_title(account) -> str:
    """The title in the QR code (≤ 32 characters): the account number first, so a shortened
    title still matches the account."""
    return f"Konto {account.number} {premises_label(account)}"


def transfer_for(account, amount: Decimal) -> Transfer:
    name, nip = recipient_of(account)
    return Transfer(
        nip=nip, nrb=account.virtual_nrb, amount=amount, name=name, title=qr_title(account)
    )
