"""Benchmark: KSeF. (1) FA(3) XML built and validated against the official schema for 1,000
invoices (three lines each, three VAT rates), the schema parsed once: goal ≤ 3 s. (2) 1,000
invoices sent through the KSeF client to the local API peer in one session (each encrypted,
sent and its status asked): the time is reported; the peer checks every request against
open-api.json, so this measures both sides.

BENCH_KSEF_INVOICES makes both smaller for a quick look."""

import datetime
import os
import time
from decimal import Decimal as D

from django.utils import timezone

from accounts.models import Account
from billing.invoices.fa3.build import fa3_xml
from billing.invoices.fa3.schema import fa3_errors, fa3_schema
from billing.invoices.models import Invoice, InvoiceLine, InvoiceRateTotal
from billing.ksef.client import KsefClient
from tests.ksef.peer import Peer

INVOICES = int(os.environ.get("BENCH_KSEF_INVOICES", 1000))
BUILD_GOAL = 3.0
NIP = "5482000017"


def invoice(n):
    """An invoice in memory as an issued one holds it: rent 23%, water 8%, a fee exempt."""
    account = Account(number=f"{10000 + n}")
    head = Invoice(
        kind="invoice",
        number=f"FV/2026/11/{n:05d}",
        account=account,
        period=datetime.date(2026, 11, 1),
        issue_date=datetime.date(2026, 11, 2),
        sale_date=datetime.date(2026, 11, 30),
        due_date=datetime.date(2026, 11, 10),
        seller_name="Zakład Budynków Miejskich w Cieszynie",
        seller_nip=NIP,
        seller_address="ul. Słowicza 59, 43-400 Cieszyn",
        bank_account="12" + "1" * 24,
        buyer_name=f"Najemca {n} sp. z o.o.",
        buyer_address="Rynek 1, 43-400 Cieszyn",
        buyer_nip="5482200414",
        exemption_basis="art. 43 ust. 1 pkt 36 ustawy o VAT",
        net_total=D("2865.50"),
        vat_total=D("630.90"),
        gross_total=D("3496.40"),
        issued_at=timezone.now(),
    )
    lines = [
        InvoiceLine(
            state="line",
            position=1,
            description="Czynsz za lokal użytkowy 11/2026",
            quantity=D("86.400"),
            unit="m²",
            unit_net_price=D("31.3008"),
            net_value=D("2704.39"),
            vat_rate="23",
        ),
        InvoiceLine(
            state="line",
            position=2,
            description="Woda i ścieki (zaliczka) 11/2026",
            quantity=D("1"),
            unit="mies.",
            unit_net_price=D("111.11"),
            net_value=D("111.11"),
            vat_rate="8",
        ),
        InvoiceLine(
            state="line",
            position=3,
            description="Opłata za zaświadczenie",
            quantity=D("1"),
            unit="szt.",
            unit_net_price=D("50"),
            net_value=D("50.00"),
            vat_rate="zw",
        ),
    ]
    totals = [
        InvoiceRateTotal(
            state="total", vat_rate="23", net=D("2704.39"), vat=D("622.01"), gross=D("3326.40")
        ),
        InvoiceRateTotal(
            state="total", vat_rate="8", net=D("111.11"), vat=D("8.89"), gross=D("120.00")
        ),
        InvoiceRateTotal(
            state="total", vat_rate="zw", net=D("50.00"), vat=D("0.00"), gross=D("50.00")
        ),
    ]
    return head, lines, totals


def test_fa3_build_and_validate_1000_invoices():
    fa3_schema()  # parsed once per process, as the worker does
    invoices = [invoice(n) for n in range(INVOICES)]
    start = time.perf_counter()
    documents = [fa3_xml(*parts) for parts in invoices]
    built = time.perf_counter() - start
    errors = [fa3_errors(xml) for xml in documents]
    total = time.perf_counter() - start
    assert errors == [[]] * INVOICES
    print(
        f"\nFA(3): {INVOICES} invoices built in {built:.2f} s, built and validated in "
        f"{total:.2f} s ({total / INVOICES * 1000:.2f} ms each; goal ≤ {BUILD_GOAL} s "
        f"for 1,000)"
    )
    assert total <= BUILD_GOAL * INVOICES / 1000


def test_send_1000_invoices_to_the_local_peer():
    documents = [fa3_xml(*invoice(n)) for n in range(INVOICES)]
    with Peer(nip=NIP, token="BENCH") as peer:
        client = KsefClient(api_url=peer.url, nip=NIP, token="BENCH")
        start = time.perf_counter()
        client.authenticate()
        session = client.open_session()
        references = [client.send_invoice(session, xml) for xml in documents]
        sent = time.perf_counter() - start
        numbers = [
            client.invoice_status(session.reference_number, ref).ksef_number for ref in references
        ]
        client.close_session(session)
        total = time.perf_counter() - start
        assert all(numbers)
        assert peer.errors == []
    print(
        f"\nKSeF: {INVOICES} invoices sent in {sent:.1f} s, with their statuses "
        f"{total:.1f} s ({total / INVOICES * 1000:.1f} ms each, client and peer on one "
        f"machine, every request checked against open-api.json)"
    )
