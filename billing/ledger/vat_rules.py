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


# A component nobody gave a rule: exempt with no basis, which invoicing refuses (see
# billing.invoices.services) so that staff set the rule instead of a guess reaching a tenant.
UNKNOWN = Vat(VatRate.EXEMPT, "")


class VatRules:
    def __init__(self, rules):
        self._rules = defaultdict(list)  # (component, kind) -> [rule], newest first
        for rule in sorted(rules, key=lambda r: r.valid_from, reverse=True):
            self._rules[rule.component_id, rule.account_kind].append(rule)

    def vat(self, component_id: int | None, account_kind: str, day: date) -> Vat:
        """The kind's own rule in force on `day`, else the rule for every kind."""
        for kind in (account_kind, ""):
            for rule in self._rules.get((component_id, kind), ()):
                if rule.valid_from <= day:
                    return Vat(rule.vat_rate, rule.exemption_basis if rule.vat_rate == "zw" else "")
        return UNKNOWN


def vat_rules() -> VatRules:
    return VatRules(VatRule.objects.all())

