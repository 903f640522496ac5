"""Several workers issue invoices at once (PostgreSQL, real threads): every account gets one
invoice and the numbers run 1…N with no gap and no duplicate, in each seller's own series."""

import datetime
import random
import threading

import pytest
from django.db import connection

from billing.invoices.services import invoice_issue_for_month
from billing.models import Invoice
from tests.billing.invoice_factories import PERIOD, commercial_access, month_charges
from tests.factories import CommunityFactory
from tests.services import require_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ISSUED = datetime.date(2026, 11, 25)
WORKERS = 4
ACCOUNTS = 24


def issue_all_at_once(accounts):
    barrier = threading.Barrier(WORKERS)
    errors = []

    def worker(seed):
        order = accounts[:]
        random.Random(seed).shuffle(order)  # every worker tries every account
        try:
            barrier.wait()
            for account in order:
                invoice_issue_for_month(account=account, period=PERIOD, issue_date=ISSUED)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors


def test_concurrent_issuing_gives_gap_free_unique_numbers(settings, tmp_path):
    require_postgres()
    settings.MEDIA_ROOT = tmp_path
    accounts = []
    for i in range(ACCOUNTS):
        account = commercial_access(f"firma{i}").account
        month_charges(account)
        accounts.append(account)
    issue_all_at_once(accounts)
    invoices = list(Invoice.objects.order_by("sequence"))
    assert len(invoices) == ACCOUNTS
    assert len({i.account_id for i in invoices}) == ACCOUNTS
    assert [i.sequence for i in invoices] == list(range(1, ACCOUNTS + 1))
    assert [i.number for i in invoices] == [f"FV/2026/11/{n:04d}" for n in range(1, ACCOUNTS + 1)]


def test_concurrent_issuing_for_two_sellers_keeps_each_series_gap_free(settings, tmp_path):
    require_postgres()
    settings.MEDIA_ROOT = tmp_path
    community = CommunityFactory(nip="5482311964")
    accounts = []
    for i in range(ACCOUNTS):  # every other account is in the community's building
        access = commercial_access(
            f"firma{i}", account__premises__building__community=community if i % 2 else None
        )
        month_charges(access.account)
        accounts.append(access.account)
    issue_all_at_once(accounts)
    # 24 accounts, 12 per seller: each seller's numbers run 0001…0012, interleaved in time.
    for nip in (settings.MANAGER_NIP, "5482311964"):
        invoices = list(Invoice.objects.filter(seller_nip=nip).order_by("sequence"))
        assert [i.sequence for i in invoices] == list(range(1, ACCOUNTS // 2 + 1))
        assert [i.number for i in invoices] == [
            f"FV/2026/11/{n:04d}" for n in range(1, ACCOUNTS // 2 + 1)
        ]
