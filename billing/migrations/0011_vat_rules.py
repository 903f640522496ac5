# VAT per fee component with a history (VatRule) instead of a rate on each fee and one
# exemption basis for all: the components' old default rates become rules for every kind of
# account, a rate that commercial fees had apart from that becomes the commercial leases' rule,
# and water, sewage, heating and meters let with business premises are taxed, not exempt.
from datetime import date

import django.db.models.deletion
from django.db import migrations, models

SINCE = date(2000, 1, 1)
RESIDENTIAL = "art. 43 ust. 1 pkt 36 ustawy z dnia 11 marca 2004 r. o podatku od towarów i usług"
# With a commercial lease these are supplies of their own at their own rates.
COMMERCIAL = {
    "water_sewage": "8",
    "heating": "23",
    "hot_water": "23",
    "meter_fee": "23",
    "rent": "23",
    "commercial_rent": "23",
}


def rules_from_rates(apps, schema_editor):
    Component = apps.get_model("billing", "Component")
    Fee = apps.get_model("billing", "Fee")
    VatRule = apps.get_model("billing", "VatRule")
    Charge = apps.get_model("billing", "Charge")
    for component in Component.objects.all():
        rate = component.default_vat_rate
        VatRule.objects.get_or_create(
            component=component,
            account_kind="",
            valid_from=SINCE,
            defaults={"vat_rate": rate, "exemption_basis": RESIDENTIAL if rate == "zw" else ""},
        )
        commercial = COMMERCIAL.get(component.code)
        if commercial is None:
            used = (
                Fee.objects.filter(component=component, account__kind="commercial_lease")
                .exclude(vat_rate=rate)
                .values_list("vat_rate", flat=True)
                .first()
            )
            commercial = used
        if commercial and commercial != rate:
            VatRule.objects.get_or_create(
                component=component,
                account_kind="commercial_lease",
                valid_from=SINCE,
                defaults={
                    "vat_rate": commercial,
                    "exemption_basis": RESIDENTIAL if commercial == "zw" else "",
                },
            )
    Charge.objects.filter(vat_rate="zw").update(vat_basis=RESIDENTIAL)


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0010_water_settlement'),
    ]

    operations = [
        migrations.AddField(
            model_name='charge',
            name='vat_basis',
            field=models.CharField(blank=True, max_length=256, verbose_name='legal basis of the exemption'),
        ),
        migrations.CreateModel(
            name='VatRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('account_kind', models.CharField(blank=True, choices=[('municipal_tenancy', 'municipal flat tenancy'), ('community_ownership', 'ownership in a housing community'), ('commercial_lease', 'commercial lease')], help_text='Leave empty for every kind of account.', max_length=20, verbose_name='kind of account')),
                ('valid_from', models.DateField(verbose_name='valid from')),
                ('vat_rate', models.CharField(choices=[('zw', 'exempt'), ('0', '0%'), ('5', '5%'), ('8', '8%'), ('23', '23%'), ('np', 'not subject to VAT')], max_length=2, verbose_name='VAT rate')),
                ('exemption_basis', models.CharField(blank=True, help_text='Printed on invoices, e.g. art. 43 ust. 1 pkt 36 ustawy o VAT.', max_length=256, verbose_name='legal basis of the exemption')),
                ('component', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='vat_rules', to='billing.component', verbose_name='component')),
            ],
            options={
                'verbose_name': 'VAT rule',
                'verbose_name_plural': 'VAT rules',
                'ordering': ['component', 'account_kind', '-valid_from'],
                'constraints': [models.UniqueConstraint(fields=('component', 'account_kind', 'valid_from'), name='one_vat_rule_per_day'), models.CheckConstraint(condition=models.Q(models.Q(('vat_rate', 'zw'), _negated=True), models.Q(('exemption_basis', ''), _negated=True), _connector='OR'), name='vat_rule_exempt_has_basis')],
            },
        ),
        migrations.RunPython(rules_from_rates, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='component',
            name='default_vat_rate',
        ),
        migrations.RemoveField(
            model_name='fee',
            name='vat_rate',
        ),
    ]
