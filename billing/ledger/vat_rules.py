"""Which VAT rate a fee component carries on a day, for a kind of account (VatRule).

The rules are a few dozen rows, so they are read once per job and looked up in memory: the
charge run asks for 60,000 charges without a query each.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from billing.ledger.models import VatRate, VatRule


@dataclass(frozen=True)
class Vat:
    rate: str
    basis: str  # the legal basis of an exemption; empty otherwise


# A community exempt as a small taxpayer (accounts.Community.vat_small_taxpayer) sells
# exempt what it would otherwise tax; outside VAT stays outside.
SMALL_TAXPAYER_EXEMPTION = (
    "art. 113 ust. 1 ustawy z dnia 11 marca 2004 r. o podatku od towarów i usług"
)
TAXED = {VatRate.STANDARD, VatRate.EIGHT, VatRate.FIVE, VatRate.ZERO}

# A component nobody gave a rule: exempt with no basis, which invoicing refuses (see
# billing.invoices.services) so that staff set the rule instead of a guess reaching a tenant.
UNKNOWN = Vat(VatRate.EXEMPT, "")


class VatRules:
    def __init__(self, rules):
        self._rules = defaultdict(list)  # (component, kind) -> [rule], newest first
        for rule in sorted(rules, key=lambda r: r.valid_from, reverse=True):
            self._rules[rule.component_id, rule.account_kind].append(rule)

    def vat(
        self, component_id: int | None, account_kind: str, day: date, small_taxpayer=False
    ) -> Vat:
        """The kind's own rule in force on `day`, else the rule for every kind; a taxed rate
        becomes the art. 113 exemption for a seller that is a small taxpayer."""
        for kind in (account_kind, ""):
            for rule in self._rules.get((component_id, kind), ()):
                if rule.valid_from <= day:
                    if small_taxpayer and rule.vat_rate in TAXED:
                        return Vat(VatRate.EXEMPT, SMALL_TAXPAYER_EXEMPTION)
                    return Vat(rule.vat_rate, rule.exemption_basis if rule.vat_rate == "zw" else "")
        return UNKNOWN


def vat_rules() -> VatRules:
    return VatRules(VatRule.objects.all())
