# Defensible VAT per kind of account (issue #28; the table and its legal bases are in
# docs/ksef.md). Migration 0011 gave owners in a community the rule for every account, the
# exemption for letting a home (art. 43 ust. 1 pkt 36), but an owner is not a tenant: the
# management advance is outside VAT and the media the community resells are supplies. A
# municipal flat's metered water is a supply of its own (CJEU C-42/14).
#
# Only a kind with no rule of its own for the component gets one (what staff set stays), and
# no charge is touched: each posted charge keeps the rate and basis written on it, and the
# rules apply to what is posted from now on.
from datetime import date

from django.db import migrations

SINCE = date(2000, 1, 1)
RULES = {
    "community_ownership": {
        "management": "np",
        "water_sewage": "8",
        "heating": "23",
        "hot_water": "23",
        "meter_fee": "23",
    },
    "municipal_tenancy": {
        "water_sewage": "8",
    },
}


def add_kind_rules(apps, schema_editor):
    Component = apps.get_model("billing", "Component")
    VatRule = apps.get_model("billing", "VatRule")
    components = {c.code: c for c in Component.objects.filter(code__in=_codes())}
    for kind, rates in RULES.items():
        for code, rate in rates.items():
            component = components.get(code)
            if component is None:
                continue
            if VatRule.objects.filter(component=component, account_kind=kind).exists():
                continue
            VatRule.objects.create(
                component=component,
                account_kind=kind,
                valid_from=SINCE,
                vat_rate=rate,
                exemption_basis="",
            )


def remove_kind_rules(apps, schema_editor):
    VatRule = apps.get_model("billing", "VatRule")
    for kind, rates in RULES.items():
        for code, rate in rates.items():
            VatRule.objects.filter(
                component__code=code, account_kind=kind, valid_from=SINCE, vat_rate=rate
            ).delete()


def _codes():
    return {code for rates in RULES.values() for code in rates}


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0018_invoice_line_vat_rounding"),
    ]

    operations = [migrations.RunPython(add_kind_rules, remove_kind_rules)]
