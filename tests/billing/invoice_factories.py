"""A commercial tenant with a month of charges at 23%, exempt and not subject to VAT."""

import datetime
from decimal import Decimal as D

from accounts.models import Account, Premises
from billing.models import Component
from demo.ledger import seed_components
from tests.billing.factories import ChargeFactory
from tests.factories import AccessFactory

PERIOD = datetime.date(2026, 11, 1)
DUE = datetime.date(2026, 11, 10)
BUYER_NIP = "5482200414"


def commercial_access(username="firma", **kwargs):
    return AccessFactory(
        user__username=username,
        account__kind=Account.Kind.COMMERCIAL_LEASE,
        account__holder_name="Kawiarnia Pod Ratuszem sp. z o.o.",
        account__holder_nip=BUYER_NIP,
        account__premises__kind=Premises.Kind.COMMERCIAL,
        account__premises__floor_area=D("86.40"),
        account__premises__number="U1",
        **kwargs,
    )


def component(code):
    seed_components()  # a transactional test's flush removes the migration's components
    return Component.objects.get(code=code)


def month_charges(account, period=PERIOD, due=DUE):
    """Rent 86.40 m² × 38.50 = 3 326.40 at 23%, water 120.00 at 8%, a certificate fee 50.00
    exempt and a contractual penalty 10.00 outside VAT (np: not invoiced)."""
    rows = [
        ("commercial_rent", "Czynsz za lokal użytkowy", D("86.400"), D("38.5000"), "3326.40", "23"),
        ("water_sewage", "Woda i ścieki (zaliczka)", D("1"), D("120.0000"), "120.00", "8"),
        (None, "Opłata za zaświadczenie", D("1"), D("50.0000"), "50.00", "zw"),
        (None, "Kara umowna", D("1"), D("10.0000"), "10.00", "np"),
    ]
    return [
        ChargeFactory(
            account=account,
            component=component(code) if code else None,
            period=period,
            title=f"{title} {period:%m/%Y}",
            quantity=quantity,
            unit_price=price,
            amount=D(amount),
            vat_rate=rate,
            due_date=due,
        )
        for code, title, quantity, price, amount, rate in rows
    ]


def commercial_account_with_charges(owner=None):
    """Turn `owner`'s account (or a new tenant's) into a commercial lease with a month charged."""
    if owner is None:
        account = commercial_access().account
    else:
        account = owner.account_accesses.get().account
        Account.objects.filter(pk=account.pk).update(
            kind=Account.Kind.COMMERCIAL_LEASE, holder_nip=BUYER_NIP
        )
        account.refresh_from_db()
    month_charges(account)
    return account
