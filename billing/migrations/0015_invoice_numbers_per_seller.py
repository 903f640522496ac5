"""Each seller numbers its own invoices (art. 106e ust. 1 pkt 2): the counters and the unique
number are per seller's NIP. Counters kept so far were shared by every seller; they become the
manager's, and each other seller that already has invoices gets counters that go on after its
highest number, so no number issued so far can come again."""

import accounts.models
import accounts.validators
from django.conf import settings
from django.db import migrations, models


def counters_per_seller(apps, schema_editor):
    Counter = apps.get_model("billing", "InvoiceCounter")
    Invoice = apps.get_model("billing", "Invoice")
    Counter.objects.filter(seller_nip="").update(seller_nip=settings.MANAGER_NIP)
    highest = {}
    rows = Invoice.objects.exclude(seller_nip=settings.MANAGER_NIP).values_list(
        "seller_nip", "series", "issue_date", "sequence"
    )
    for nip, series, day, sequence in rows:
        key = (nip, series, day.year, day.month)
        highest[key] = max(highest.get(key, 0), sequence)
    for (nip, series, year, month), last in highest.items():
        Counter.objects.update_or_create(
            seller_nip=nip, series=series, year=year, month=month,
            defaults={"last_number": last},
        )


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0014_summary_triggers_repair"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="invoicecounter",
            name="one_invoice_counter_per_series_month",
        ),
        migrations.RemoveConstraint(
            model_name="invoice",
            name="invoice_unique_number",
        ),
        migrations.AddField(
            model_name="invoicecounter",
            name="seller_nip",
            field=accounts.models.NIPField(
                default="",
                max_length=10,
                validators=[accounts.validators.validate_nip],
                verbose_name="seller's NIP",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(counters_per_seller, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="invoicecounter",
            constraint=models.UniqueConstraint(
                fields=("seller_nip", "series", "year", "month"),
                name="one_invoice_counter_per_seller_series_month",
            ),
        ),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.UniqueConstraint(
                fields=("seller_nip", "series", "number"), name="invoice_unique_seller_number"
            ),
        ),
        migrations.AlterField(
            model_name="invoice",
            name="ksef_status",
            field=models.CharField(
                choices=[
                    ("off", "not sent: KSeF is switched off"),
                    ("seller", "not sent to KSeF: the community issues its own"),
                    ("invalid", "does not match the FA(3) schema"),
                    ("queued", "waiting to be sent"),
                    ("sent", "sent, waiting for the KSeF number"),
                    ("accepted", "accepted by KSeF"),
                    ("rejected", "rejected by KSeF"),
                    ("offline", "issued offline, waiting to be sent"),
                ],
                default="queued",
                max_length=10,
                verbose_name="KSeF status",
            ),
        ),
    ]
