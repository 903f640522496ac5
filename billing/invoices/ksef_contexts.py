"""In whose KSeF context an invoice is sent. Each seller is its own context: the manager's
(KSEF_NIP with KSEF_TOKEN), and each community that granted the manager the right to issue its
invoices in KSeF (a token for the community's NIP, KSEF_SELLER_TOKENS). A seller with no
context here issues its own invoices in KSeF; e-BOK does not send them."""

from dataclasses import dataclass, field

from django.conf import settings


@dataclass(frozen=True)
class KsefContext:
    nip: str
    token: str = field(repr=False)  # a secret: never in a repr, a log or a page


def context_for(seller_nip: str) -> KsefContext | None:
    if seller_nip == settings.KSEF_NIP:
        return KsefContext(settings.KSEF_NIP, settings.KSEF_TOKEN)
    token = settings.KSEF_SELLER_TOKENS.get(seller_nip)
    return KsefContext(seller_nip, token) if token else None


def sellers_sent() -> list[str]:
    """NIPs of the sellers whose invoices e-BOK sends to KSeF."""
    return [settings.KSEF_NIP, *(n for n in settings.KSEF_SELLER_TOKENS if n != settings.KSEF_NIP)]
