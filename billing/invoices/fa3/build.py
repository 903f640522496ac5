"""An invoice's snapshot as the FA(3) e-invoice XML sent to KSeF (schema 1-0E).

Built from the invoice's own rows only, so the same invoice always gives the same bytes.
Element order follows the schema's sequences; `billing/invoices/fa3/schema.py` checks them.

Mapping of our VAT rates to FA(3) fields: 23% → P_13_1/P_14_1, 8% → P_13_2/P_14_2,
5% → P_13_3/P_14_3, 0% (domestic) → P_13_6_1 with P_12 "0 KR", exempt → P_13_7 with the legal
basis in Adnotacje/Zwolnienie/P_19A. Charges outside VAT ("np") are not invoiced at all
(billing.invoices.services), so an invoice never carries one.
"""

from datetime import UTC
from decimal import Decimal

from django.conf import settings
from lxml import etree

NS = "http://crd.gov.pl/wzor/2025/06/25/13775/"
SYSTEM = "e-BOK"
TRANSFER = "6"  # FormaPlatnosci: przelew
JST_ISSUER = "7"  # Podmiot3/Rola: Jednostka samorządu terytorialnego - wystawca

# our rate → (P_12 value, net field, VAT field or None)
RATE_FIELDS = {
    "23": ("23", "P_13_1", "P_14_1"),
    "8": ("8", "P_13_2", "P_14_2"),
    "5": ("5", "P_13_3", "P_14_3"),
    "0": ("0 KR", "P_13_6_1", None),
    "zw": ("zw", "P_13_7", None),
}
# The schema's order of the per-rate fields.
FIELD_ORDER = ["P_13_1", "P_14_1", "P_13_2", "P_14_2", "P_13_3", "P_14_3", "P_13_6_1", "P_13_7"]


class Fa3Error(ValueError):
    """The invoice holds something FA(3) cannot say."""


def amount(value: Decimal) -> str:
    return f"{value:.2f}"


def number(value: Decimal) -> str:
    """A quantity or unit price without trailing zeros: 86.4, 31.3008, 1."""
    return f"{value.normalize():f}"


def _sub(parent, tag, text=None, **attrs):
    element = etree.SubElement(parent, f"{{{NS}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _header(root, invoice):
    header = _sub(root, "Naglowek")
    _sub(header, "KodFormularza", "FA", kodSystemowy="FA (3)", wersjaSchemy="1-0E")
    _sub(header, "WariantFormularza", "3")
    _sub(
        header,
        "DataWytworzeniaFa",
        invoice.issued_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    _sub(header, "SystemInfo", SYSTEM)


def _address(parent, text):
    address = _sub(parent, "Adres")
    _sub(address, "KodKraju", "PL")
    _sub(address, "AdresL1", text[:512])


def _parties(root, invoice):
    seller = _sub(root, "Podmiot1")
    ids = _sub(seller, "DaneIdentyfikacyjne")
    _sub(ids, "NIP", invoice.seller_nip)
    _sub(ids, "Nazwa", invoice.seller_name[:512])
    _address(seller, invoice.seller_address)
    buyer = _sub(root, "Podmiot2")
    ids = _sub(buyer, "DaneIdentyfikacyjne")
    if invoice.buyer_nip:
        _sub(ids, "NIP", invoice.buyer_nip)
    else:
        _sub(ids, "BrakID", "1")
    _sub(ids, "Nazwa", invoice.buyer_name[:512])
    _address(buyer, invoice.buyer_address)
    _sub(buyer, "NrKlienta", invoice.account.number)
    _sub(buyer, "JST", "2")  # not a local government unit
    _sub(buyer, "GV", "2")  # not a VAT group member
    if settings.VAT_MUNICIPALITY_NIP and invoice.seller_nip == settings.VAT_MUNICIPALITY_NIP:
        _issuing_unit(root)


def _issuing_unit(root):
    """Centralised VAT: the municipality is the seller (Podmiot1) and the manager, its unit,
    issues the invoice: Podmiot3 with Rola 7, "Jednostka samorządu terytorialnego - wystawca"
    (TRolaPodmiotu3 in the schema)."""
    unit = _sub(root, "Podmiot3")
    ids = _sub(unit, "DaneIdentyfikacyjne")
    _sub(ids, "NIP", settings.MANAGER_NIP)
    _sub(ids, "Nazwa", settings.MANAGER_NAME[:512])
    _address(unit, settings.MANAGER_ADDRESS)
    _sub(unit, "Rola", JST_ISSUER)


def _rate_fields(fa, totals):
    values = {}
    for total in totals:
        if total.vat_rate not in RATE_FIELDS:
            raise Fa3Error(f"VAT rate {total.vat_rate!r} cannot be invoiced in FA(3)")
        _p12, net_field, vat_field = RATE_FIELDS[total.vat_rate]
        values[net_field] = total.net
        if vat_field:
            values[vat_field] = total.vat
    for field in FIELD_ORDER:
        if field in values:
            _sub(fa, field, amount(values[field]))


def _annotations(fa, invoice, lines):
    notes = _sub(fa, "Adnotacje")
    for field in ("P_16", "P_17", "P_18", "P_18A"):
        _sub(notes, field, "2")  # no cash accounting, self-billing, reverse charge, split payment
    exemption = _sub(notes, "Zwolnienie")
    if any(line.vat_rate == "zw" for line in lines):
        _sub(exemption, "P_19", "1")
        _sub(exemption, "P_19A", invoice.exemption_basis[:256])
    else:
        _sub(exemption, "P_19N", "1")
    _sub(_sub(notes, "NoweSrodkiTransportu"), "P_22N", "1")
    _sub(notes, "P_23", "2")
    _sub(_sub(notes, "PMarzy"), "P_PMarzyN", "1")


def _correction(fa, invoice):
    _sub(fa, "PrzyczynaKorekty", invoice.correction_reason[:256])
    original = invoice.corrects
    data = _sub(fa, "DaneFaKorygowanej")
    _sub(data, "DataWystFaKorygowanej", original.issue_date.isoformat())
    _sub(data, "NrFaKorygowanej", original.number)
    if original.ksef_number:
        _sub(data, "NrKSeF", "1")
        _sub(data, "NrKSeFFaKorygowanej", original.ksef_number)
    else:
        _sub(data, "NrKSeFN", "1")


def _line(fa, position, line, before=False):
    row = _sub(fa, "FaWiersz")
    _sub(row, "NrWierszaFa", str(position))
    _sub(row, "P_7", line.description[:512])
    _sub(row, "P_8A", line.unit)
    _sub(row, "P_8B", number(line.quantity))
    _sub(row, "P_9A", number(line.unit_net_price))
    _sub(row, "P_11", amount(line.net_value))
    _sub(row, "P_12", RATE_FIELDS[line.vat_rate][0])
    if before:
        _sub(row, "StanPrzed", "1")


def _payment(fa, invoice):
    if invoice.gross_total <= 0:
        return  # a refund or a correction that changes nothing asks for no payment
    payment = _sub(fa, "Platnosc")
    _sub(_sub(payment, "TerminPlatnosci"), "Termin", invoice.due_date.isoformat())
    _sub(payment, "FormaPlatnosci", TRANSFER)
    _sub(_sub(payment, "RachunekBankowy"), "NrRB", invoice.bank_account)


def fa3_xml(invoice, lines, totals) -> bytes:
    """The FA(3) document of `invoice` with its InvoiceLine and InvoiceRateTotal rows."""
    lines = sorted(lines, key=lambda line: (line.state != "before", line.position))
    if any(line.vat_rate not in RATE_FIELDS for line in lines):
        raise Fa3Error("an invoice line has a VAT rate FA(3) cannot carry")
    root = etree.Element(f"{{{NS}}}Faktura", nsmap={None: NS})
    _header(root, invoice)
    _parties(root, invoice)
    fa = _sub(root, "Fa")
    _sub(fa, "KodWaluty", "PLN")
    _sub(fa, "P_1", invoice.issue_date.isoformat())
    _sub(fa, "P_2", invoice.number)
    if invoice.is_correction:
        _sub(fa, "P_6", invoice.sale_date.isoformat())
        _rate_fields(fa, [t for t in totals if t.state == "difference"])
    else:
        period = _sub(fa, "OkresFa")
        _sub(period, "P_6_Od", invoice.period.isoformat())
        _sub(period, "P_6_Do", invoice.sale_date.isoformat())
        _rate_fields(fa, [t for t in totals if t.state == "total"])
    _sub(fa, "P_15", amount(invoice.gross_total))
    _annotations(fa, invoice, lines)
    _sub(fa, "RodzajFaktury", "KOR" if invoice.is_correction else "VAT")
    if invoice.is_correction:
        _correction(fa, invoice)
    position = 0
    for line in lines:
        position += 1
        _line(fa, position, line, before=line.state == "before")
    _payment(fa, invoice)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
