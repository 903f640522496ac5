"""The documented backup (pg_dump -Fc) restores (pg_restore) into a new database with every
account's balance, every constraint and the id sequences intact."""

import datetime
import shutil
import subprocess
from decimal import Decimal

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from accounts.models import Account
from billing.ledger import services
from billing.ledger.queries import ledger_for_account
from billing.models import Payment
from tests.billing.factories import ChargeFactory
from tests.factories import AccountFactory, StaffFactory
from tests.services import require, require_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

D = Decimal
BALANCES = """
    SELECT a.number,
           COALESCE((SELECT SUM(p.amount) FROM billing_payment p WHERE p.account_id = a.id), 0)
         - COALESCE((SELECT SUM(c.amount) FROM billing_charge c WHERE c.account_id = a.id), 0)
    FROM accounts_account a ORDER BY a.number
"""
CONSTRAINTS = """
    SELECT conrelid::regclass::text, conname, contype FROM pg_constraint
    WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2
"""


def conninfo(dbname):
    db = connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        dbname=dbname,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
    )


def fetch(dbname, statement):
    with psycopg.connect(conninfo(dbname)) as conn:
        return conn.execute(statement).fetchall()


def build_ledgers():
    """Five accounts: in debt, paid up, overpaid, corrected both ways, and empty."""
    clerk = StaffFactory()
    day = datetime.date(2026, 1, 10)
    accounts = [AccountFactory() for _ in range(5)]
    debt, paid, overpaid, corrected, _empty = accounts
    for month in range(1, 13):
        due = day.replace(month=month)
        for account in (debt, paid, overpaid, corrected):
            ChargeFactory(account=account, title="Czynsz", amount=D("612.37"), due_date=due)
        services.payment_post(account=debt, amount=D("400.01"), paid_on=due, method="bank")
        services.payment_post(account=paid, amount=D("612.37"), paid_on=due, method="bank")
        services.payment_post(account=overpaid, amount=D("700.00"), paid_on=due, method="bank")
    charge = ChargeFactory(account=corrected, title="Woda", amount=D("88.15"), due_date=day)
    services.charge_correct(charge=charge, new_amount=D("80.05"), reason="odczyt", clerk=clerk)
    payment = services.payment_post(
        account=corrected, amount=D("1000.00"), paid_on=day, method="bank", clerk=clerk
    )
    services.payment_correct(payment=payment, new_amount=D("999.99"), reason="typo", clerk=clerk)
    return accounts


def test_pg_dump_and_pg_restore_keep_every_balance(tmp_path):
    require_postgres()
    for tool in ("pg_dump", "pg_restore"):
        require(shutil.which(tool) is not None, f"{tool} (Debian postgresql-client)")
    accounts = build_ledgers()
    expected = {a.number: ledger_for_account(a).balance for a in Account.objects.order_by("number")}
    assert expected[accounts[0].number] == 12 * (D("400.01") - D("612.37"))  # a debt
    assert expected[accounts[2].number] == 12 * (D("700.00") - D("612.37"))  # overpaid
    assert expected[accounts[3].number] == D("999.99") - 12 * D("612.37") - D("80.05")
    assert expected[accounts[4].number] == 0

    source = connection.settings_dict["NAME"]
    restored = f"{source}_restored"
    dump = tmp_path / "ebok.dump"
    env = {"PATH": "/usr/bin:/bin", "PGPASSWORD": connection.settings_dict["PASSWORD"] or ""}
    subprocess.run(
        ["pg_dump", "--format=custom", f"--file={dump}", f"--dbname={conninfo(source)}"],
        check=True,
        env=env,
    )
    with psycopg.connect(conninfo("postgres"), autocommit=True) as admin:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(restored))
        admin.execute(drop)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(restored)))
        try:
            subprocess.run(
                [
                    "pg_restore",
                    "--exit-on-error",
                    "--no-owner",
                    f"--dbname={conninfo(restored)}",
                    str(dump),
                ],
                check=True,
                env=env,
            )
            restored_balances = dict(fetch(restored, BALANCES))
            assert restored_balances == expected
            assert fetch(restored, CONSTRAINTS) == fetch(source, CONSTRAINTS)
            # The id sequences came along: a new payment after the restore gets a fresh id.
            with psycopg.connect(conninfo(restored)) as conn:
                (new_id,) = conn.execute(
                    "SELECT nextval(pg_get_serial_sequence('billing_payment', 'id'))"
                ).fetchone()
            assert new_id > Payment.objects.order_by("-pk").values_list("pk", flat=True)[0]
        finally:
            admin.execute(drop)
