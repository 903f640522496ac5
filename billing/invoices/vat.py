"""The VAT arithmetic of an invoice, on plain values: no queries here.

Charges in the ledger are the amounts the tenant pays (gross), and an invoice must ask for
exactly what the ledger asks, or a tenant who pays the invoice is left a grosz off. So VAT is
taken out of the gross total of each rate, not added line by line:

    per rate:  G = sum of the lines' gross values
               VAT = round_half_up(G × r / (100 + r))   (the formula of art. 106e ust. 8)
               net = G − VAT
    per line:  net value = round_half_up(gross × 100 / (100 + r)); the rate's last line takes
               what rounding leaves, so the lines' net values add up to the rate's net.

VAT is computed once per rate on the rate's total, never summed from rounded line VATs
(art. 106e ust. 1 pkt 14: the tax on the sum of net values per rate); the invoice's total due
is the sum of the rates' gross, equal to the charges. Exempt ("zw", with the legal basis
printed), 0% and not subject ("np") lines carry no VAT: net = gross.

Unit net price (one rule, art. 106e ust. 1 pkt 9): the price printed is the net value divided
by the quantity, with the fewest decimal places (2 to 8, as FA(3)'s P_9A allows) for which
quantity × printed price, rounded half up to the grosz, gives back the net value printed. E.g.
rent of 86,400 m² with net 2 704,39 zł: 31,30 gives 2 704,32 and 31,301 gives 2 704,41, so the
invoice prints 31,3008 (86,4 × 31,3008 = 2 704,389 → 2 704,39).

[check] Whether this "from gross" method suits every buyer is for the tax adviser; the
alternative (charges booked net and VAT added on top) would need the charge run to book VAT.
"""

from collections import OrderedDict
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from billing.ledger.models import VatRate
from core.money import money

ZERO = Decimal("0.00")
PRICE_PLACES = range(2, 9)
# Rates in the order an invoice lists them.
RATE_ORDER = [
    VatRate.STANDARD,
    VatRate.EIGHT,
    VatRate.FIVE,
    VatRate.ZERO,
    VatRate.EXEMPT,
    VatRate.NOT_SUBJECT,
]


def percent(rate: str) -> Decimal:
    """The rate in per cent; 0 for exempt and not subject."""
    return Decimal(rate) if rate.isdigit() else Decimal(0)


@dataclass(frozen=True)
class Line:
    description: str
    quantity: Decimal
    unit: str
    gross: Decimal  # what the tenant pays for the line
    vat_rate: str
    charge_id: int | None = None
    vat_basis: str = ""  # the legal basis of an exemption
    # filled by compute()
    unit_net_price: Decimal = ZERO
    net: Decimal = ZERO
    vat: Decimal = ZERO


@dataclass(frozen=True)
class RateTotal:
    vat_rate: str
    net: Decimal
    vat: Decimal
    gross: Decimal

    def __sub__(self, other):
        return RateTotal(
            self.vat_rate, self.net - other.net, self.vat - other.vat, self.gross - other.gross
        )


@dataclass(frozen=True)
class Computed:
    lines: list
    rates: list  # [RateTotal] in RATE_ORDER

    @property
    def net(self):
        return sum((r.net for r in self.rates), ZERO)

    @property
    def vat(self):
        return sum((r.vat for r in self.rates), ZERO)

    @property
    def gross(self):
        return sum((r.gross for r in self.rates), ZERO)


def rate_vat(gross: Decimal, rate: str) -> Decimal:
    r = percent(rate)
    return money(gross * r / (100 + r)) if r else ZERO


def net_of(gross: Decimal, rate: str) -> Decimal:
    r = percent(rate)
    return money(gross * 100 / (100 + r)) if r else money(gross)


def compute(lines) -> Computed:
    """Fill each line's net, VAT and unit net price and total the rates (see the module)."""
    by_rate = OrderedDict((rate, []) for rate in RATE_ORDER)
    for index, line in enumerate(lines):
        by_rate[line.vat_rate].append(index)
    done = list(lines)
    rates = []
    for rate, indexes in by_rate.items():
        if not indexes:
            continue
        gross = sum((money(lines[i].gross) for i in indexes), ZERO)
        vat = rate_vat(gross, rate)
        net = gross - vat
        left = net
        for n, i in enumerate(indexes):
            line = lines[i]
            line_net = left if n == len(indexes) - 1 else net_of(line.gross, rate)
            left -= line_net
            done[i] = replace(
                line,
                gross=money(line.gross),
                net=line_net,
                vat=money(line.gross) - line_net,
                unit_net_price=unit_price(line_net, line.quantity),
            )
        rates.append(RateTotal(rate, net, vat, gross))
    return Computed(done, rates)


def unit_price(net: Decimal, quantity: Decimal) -> Decimal:
    """The unit net price to print: see the module's rule."""
    if not quantity:
        return net
    exact = net / quantity
    for places in PRICE_PLACES:
        price = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if money(quantity * price) == net:
            return price
    return price  # 8 places: within a grosz for any quantity below 10⁶


def difference(after: Computed, before: Computed) -> list:
    """Per rate: after − before, for every rate on either side (a correcting invoice)."""
    empty = {r.vat_rate: RateTotal(r.vat_rate, ZERO, ZERO, ZERO) for r in before.rates}
    empty.update({r.vat_rate: RateTotal(r.vat_rate, ZERO, ZERO, ZERO) for r in after.rates})
    a = {**empty, **{r.vat_rate: r for r in after.rates}}
    b = {**empty, **{r.vat_rate: r for r in before.rates}}
    return [a[rate] - b[rate] for rate in RATE_ORDER if rate in a]
