"""VAT on the net sum per rate (art. 106e ust. 1 pkt 14): P_14_x = round(P_13_x × rate)
exactly, P_15 = Σ net + Σ VAT, and the ledger asks what the invoice says (issue #28, point 2)."""

import datetime
import random
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import pytest
from lxml import etree

from billing.invoices import vat as invoice_vat
from billing.invoices.fa3.schema import fa3_errors
from billing.invoices.services import invoice_issue_for_month
from billing.ledger.queries import ledger_for_account
from billing.models import Charge, Invoice
from tests.billing.factories import ChargeFactory
from tests.billing.invoice_factories import DUE, PERIOD, commercial_access

NS = {"fa": "http://crd.gov.pl/wzor/2025/06/25/13775/"}

# rent and heating at 23%, water and sewage at 8%, a certificate fee exempt
ROWS = [
    ("Czynsz za lokal użytkowy", "1230.00", "23"),
    ("Zaliczka na centralne ogrzewanie", "410.10", "23"),
    ("Woda", "120.00", "8"),
    ("Ścieki", "97.20", "8"),
    ("Opłata za zaświadczenie", "50.00", "zw"),
]


def lines():
    return [invoice_vat.Line(title, D(1), "mies.", D(gross), rate) for title, gross, rate in ROWS]


def test_a_multi_line_multi_rate_invoice_by_hand():
    computed = invoice_vat.compute(lines())
    rates = {r.vat_rate: (r.net, r.vat, r.gross) for r in computed.rates}
    # 23%: charged 1 230,00 + 410,10 = 1 640,10. Net 1 333,41 gives VAT 1 333,41 × 23% =
    #   306,6843 → 306,68 and 1 640,09; net 1 333,42 gives 306,6866 → 306,69 and 1 640,11.
    #   1 640,10 cannot be reached: net 1 333,41, VAT 306,68, gross 1 640,09 (the old method
    #   took 1 640,10 × 23/123 = 306,69 out of the gross: 1 grosz off 23% of the net).
    assert rates["23"] == (D("1333.41"), D("306.68"), D("1640.09"))
    # 8%: 120,00 + 97,20 = 217,20; net 217,20 × 100/108 = 201,11, VAT 201,11 × 8% = 16,0888
    #   → 16,09, and 201,11 + 16,09 = 217,20 exactly
    assert rates["8"] == (D("201.11"), D("16.09"), D("217.20"))
    assert rates["zw"] == (D("50.00"), D("0.00"), D("50.00"))
    # lines: 1 230,00 × 100/123 = 1 000,00; the rate's last takes 1 333,41 − 1 000,00 = 333,41
    #   and the grosz: 410,10 − 0,01 = 410,09; 120,00 × 100/108 = 111,11, 201,11 − 111,11 = 90,00
    assert [line.net for line in computed.lines] == [
        D("1000.00"), D("333.41"), D("111.11"), D("90.00"), D("50.00")
    ]
    assert [line.rounding for line in computed.lines] == [D(0), D("-0.01"), D(0), D(0), D(0)]
    assert computed.lines[1].gross == D("410.09")
    # P_15: 1 333,41 + 306,68 + 201,11 + 16,09 + 50,00 = 1 907,29 (charges: 1 907,30)
    assert computed.net + computed.vat == computed.gross == D("1907.29")


@pytest.mark.django_db
def test_the_invoice_and_the_ledger_agree_to_the_grosz():
    account = commercial_access().account
    charges = [
        ChargeFactory(
            account=account, period=PERIOD, title=title, amount=D(gross), vat_rate=rate,
            due_date=DUE,
        )
        for title, gross, rate in ROWS
    ]
    invoice = invoice_issue_for_month(
        account=account, period=PERIOD, issue_date=datetime.date(2026, 11, 3)
    )
    xml = bytes(Invoice.objects.get(pk=invoice.pk).fa3.xml)
    assert fa3_errors(xml) == []

    def field(name):
        return [e.text for e in etree.fromstring(xml).xpath(f"//fa:{name}", namespaces=NS)]

    # figures of test_a_multi_line_multi_rate_invoice_by_hand
    assert field("Fa/fa:P_13_1") == ["1333.41"]
    assert field("Fa/fa:P_14_1") == ["306.68"]
    assert field("Fa/fa:P_13_2") == ["201.11"]
    assert field("Fa/fa:P_14_2") == ["16.09"]
    assert field("Fa/fa:P_13_7") == ["50.00"]
    assert field("Fa/fa:P_15") == ["1907.29"]
    assert field("FaWiersz/fa:P_11") == ["1000.00", "333.41", "111.11", "90.00", "50.00"]
    # the grosz the invoice could not ask for is a correction of the heating charge
    (rounding,) = Charge.objects.filter(corrects__isnull=False)
    assert rounding.corrects == charges[1]
    assert rounding.amount == D("-0.01")
    assert invoice.number in rounding.reason
    # the tenant owes what the invoice says: 1 907,30 charged − 0,01 = 1 907,29
    assert ledger_for_account(account).balance == -D("1907.29") == -invoice.gross_total
    # issuing again returns the invoice and posts nothing more
    assert invoice_issue_for_month(account=account, period=PERIOD) == invoice
    assert Charge.objects.filter(corrects__isnull=False).count() == 1


@pytest.mark.parametrize("rate", ["23", "8", "5"])
def test_vat_is_always_the_rate_of_the_net_and_never_asks_more_than_charged(rate):
    draw = random.Random(28)
    for _ in range(2000):
        grosses = [D(draw.randint(1, 500_000)) / 100 for _ in range(draw.randint(1, 4))]
        computed = invoice_vat.compute(
            [invoice_vat.Line("x", D(1), "szt.", gross, rate) for gross in grosses]
        )
        (total,) = computed.rates
        exact = (total.net * D(rate) / 100).quantize(D("0.01"), rounding=ROUND_HALF_UP)
        assert total.vat == exact
        assert total.gross == total.net + total.vat
        assert sum(line.net for line in computed.lines) == total.net
        assert sum(line.gross for line in computed.lines) == total.gross
        # one grosz at most, in the tenant's favour, and on the rate's last line only
        assert sum(grosses) - D("0.01") <= total.gross <= sum(grosses)
        assert sum(line.rounding for line in computed.lines) == total.gross - sum(grosses)
