"""Puts back the ledger summary's triggers that a table rebuild on SQLite dropped (every
database migrated from zero on SQLite lost those of billing_charge) and recomputes the summary
from the entries where it fell behind. From here on billing's post_migrate receiver does the
same after every migrate."""

from django.db import migrations

from billing.ledger.totals import summary_repair_in_transaction


def repair(apps, schema_editor):
    summary_repair_in_transaction(check_always=False)


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0013_settlement_invoices"),
    ]

    operations = [
        migrations.RunPython(repair, migrations.RunPython.noop),
    ]
