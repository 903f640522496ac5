"""The ledger summary (LedgerTotal, LedgerMonth), filled from the entries, and the triggers
that keep it (billing/ledger/summary_triggers.py, which billing's post_migrate receiver also runs
after every migrate: a later table rebuild on SQLite drops them)."""

import django.db.models.deletion
from django.db import migrations, models

from billing.ledger import summary_triggers
from billing.ledger.totals import summary_fill


def install(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        summary_fill(cursor)
    summary_triggers.install(connection, only_missing=False)


def uninstall(apps, schema_editor):
    summary_triggers.drop(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_security_notice'),
        ('billing', '0007_data_as_of_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='LedgerTotal',
            fields=[
                ('account', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='ledger_total', serialize=False, to='accounts.account', verbose_name='account')),
                ('charged', models.BigIntegerField(default=0, verbose_name='charged (gr)')),
                ('paid', models.BigIntegerField(default=0, verbose_name='paid (gr)')),
                ('changes', models.BigIntegerField(default=0, verbose_name='postings')),
            ],
            options={
                'verbose_name': 'ledger total',
                'verbose_name_plural': 'ledger totals',
            },
        ),
        migrations.CreateModel(
            name='LedgerMonth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(verbose_name='month')),
                ('charged', models.BigIntegerField(default=0, verbose_name='charged (gr)')),
                ('paid', models.BigIntegerField(default=0, verbose_name='paid (gr)')),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.account', verbose_name='account')),
            ],
            options={
                'verbose_name': 'ledger month',
                'verbose_name_plural': 'ledger months',
                'constraints': [models.UniqueConstraint(fields=('account', 'month'), name='ledger_month_unique')],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
