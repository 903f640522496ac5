"""The VAT arithmetic of an invoice, on plain values: no queries here.

The invoice states net prices, so VAT is computed the way art. 106e ust. 1 pkt 14 says: per
rate, on the sum of the lines' net values, once, half up:

    per rate:  N = the lines' net values added up
               VAT = round_half_up(N × r / 100)      (so P_14_x = round(P_13_x × r) exactly)
               gross = N + VAT                        (P_15 = Σ net + Σ VAT)

Charges in the ledger are what the tenant pays (gross), so the rate's net comes from the
charges' gross total G: N is the largest net for which N + round(N × r) does not exceed G.
N + round(N × r) grows by one grosz or, when the VAT steps up, by two, so some totals cannot
be reached at all (23%: 1 640,10 lies between N = 1 333,41 → 1 640,09 and N = 1 333,42 →
1 640,11). Then the invoice asks one grosz less than the charges, and `Line.rounding` holds
that −0,01 on the rate's last line: the issuing service posts it to the ledger as a
correction of that line's charge, so the ledger asks exactly what the invoice says, never
more than was charged, and a tenant who paid the charges is a grosz in credit, not in debt.

Per line: net value = round_half_up(gross × 100 / (100 + r)); the rate's last line takes what
is left of N, so the lines add up to the rate's net. A line's VAT is its gross less its net
(a share for the PDF; FA(3) lines carry the net only). Exempt ("zw", with the legal basis
printed), 0% and not subject ("np") lines carry no VAT: net = gross.

Unit net price (one rule, art. 106e ust. 1 pkt 9): the price printed is the net value divided
by the quantity, with the fewest decimal places (2 to 8, as FA(3)'s P_9A allows) for which
quantity × printed price, rounded half up to the grosz, gives back the net value printed. E.g.
rent of 86,400 m² with net 2 704,39 zł: 31,30 gives 2 704,32 and 31,301 gives 2 704,41, so the
invoice prints 31,3008 (86,4 × 31,3008 = 2 704,389 → 2 704,39).
"""

from collections import OrderedDict
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from billing.ledger.models import VatRate
from core.money import money

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
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
    # the invoice's gross less the charge's: −0,01 where the rate's total cannot be reached
    rounding: Decimal = ZERO


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


def rate_vat(net: Decimal, rate: str) -> Decimal:
    """VAT on a rate's net total: round_half_up(N × r / 100)."""
    return money(net * percent(rate) / 100)


def net_of(gross: Decimal, rate: str) -> Decimal:
    r = percent(rate)
    return money(gross * 100 / (100 + r))


def rate_net(gross: Decimal, rate: str) -> Decimal:
    """The largest net N with N + round(N × r) ≤ `gross` (see the module)."""
    net = net_of(gross, rate)
    while net + rate_vat(net, rate) > gross:
        net -= CENT
    while net + CENT + rate_vat(net + CENT, rate) <= gross:
        net += CENT
    return net


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
        charged = sum((money(lines[i].gross) for i in indexes), ZERO)
        net = rate_net(charged, rate)
        vat = rate_vat(net, rate)
        gross = net + vat
        left = net
        for n, i in enumerate(indexes):
            line = lines[i]
            last = n == len(indexes) - 1
            line_net = left if last else net_of(line.gross, rate)
            left -= line_net
            rounding = gross - charged if last else ZERO
            line_gross = money(line.gross) + rounding
            done[i] = replace(
                line,
                gross=line_gross,
                net=line_net,
                vat=line_gross - line_net,
                rounding=rounding,
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
