"""Numbers as the reader's language writes them (core/numbers.py, the `money`, `balance` and
`m3` filters): Polish "1 234,56 zł" and "1,4 m³", English "1,234.56 zł" and "1.4 m³"."""

from decimal import Decimal as D

import pytest
from django.template import Context, Template
from django.utils import translation

from core.money import format_pln, format_price
from core.numbers import format_volume

NBSP = "\u00a0"


def rendered(source, language, **values):
    with translation.override(language):
        return Template("{% load money meters %}" + source).render(Context(values))


@pytest.mark.parametrize(
    ("value", "polish", "english"),
    [
        (D("1234.56"), f"1{NBSP}234,56{NBSP}zł", f"1,234.56{NBSP}zł"),
        (D("1154.74"), f"1{NBSP}154,74{NBSP}zł", f"1,154.74{NBSP}zł"),
        (D("886.32"), f"886,32{NBSP}zł", f"886.32{NBSP}zł"),
        (D("1234567.8"), f"1{NBSP}234{NBSP}567,80{NBSP}zł", f"1,234,567.80{NBSP}zł"),
        (D("0.005"), f"0,01{NBSP}zł", f"0.01{NBSP}zł"),  # half up, as banks round
        (D("-12"), f"−12,00{NBSP}zł", f"−12.00{NBSP}zł"),
        (D("-0.001"), f"0,00{NBSP}zł", f"0.00{NBSP}zł"),  # rounds to nothing: no "−0,00"
    ],
)
def test_money_in_each_language(value, polish, english):
    assert format_pln(value, language="pl") == polish
    assert format_pln(value, language="en") == english
    assert rendered("{{ v|money }}", "pl", v=value) == polish
    assert rendered("{{ v|money }}", "en", v=value) == english


@pytest.mark.parametrize(
    ("value", "polish", "english"),
    [
        (D("-886.32"), f"do zapłaty 886,32{NBSP}zł", f"886.32{NBSP}zł to pay"),
        (D("12.00"), f"nadpłata 12,00{NBSP}zł", f"12.00{NBSP}zł overpaid"),
        (D("0.00"), f"0,00{NBSP}zł", f"0.00{NBSP}zł"),
    ],
)
def test_a_balance_says_what_it_means_without_a_sign(value, polish, english):
    assert rendered("{{ v|balance }}", "pl", v=value) == polish
    assert rendered("{{ v|balance }}", "en", v=value) == english


@pytest.mark.parametrize(
    ("value", "polish", "english"),
    [
        (D("1.400"), "1,4", "1.4"),  # was "1,400" in both: fourteen hundred to an English eye
        (D("146.250"), "146,25", "146.25"),
        (D("145.000"), "145", "145"),
        (D("0.000"), "0", "0"),
        (D("12345.678"), "12345,678", "12345.678"),  # never grouped
        (D("-2.500"), "−2,5", "−2.5"),
    ],
)
def test_volumes_keep_only_the_decimals_they_have(value, polish, english):
    assert format_volume(value, language="pl") == polish
    assert format_volume(value, language="en") == english
    assert rendered("{{ v|m3 }}", "pl", v=value) == polish
    assert rendered("{{ v|m3 }}", "en", v=value) == english


def test_a_computed_volume_is_rounded_to_the_litre_first():
    # 0.22876 m³ a day → 0.229 (to the litre), then written as it is
    assert rendered("{{ v|m3:3 }}", "pl", v=D("0.22876")) == "0,229"
    assert rendered("{{ v|m3:3 }}", "en", v=D("0.22876")) == "0.229"
    assert rendered("{{ v|m3:3 }}", "pl", v=D("0.0500")) == "0,05"


def test_prices_and_percentages_follow_the_language():
    assert format_price(D("31.3008"), language="pl") == "31,3008"
    assert format_price(D("31.3008"), language="en") == "31.3008"
    assert format_price(D("1234.5"), language="en") == "1,234.50"
    # percentages go through Django's floatformat, which localises by the active language
    assert rendered("{{ v|floatformat:2 }}", "pl", v=D("28.2108")) == "28,21"
    assert rendered("{{ v|floatformat:2 }}", "en", v=D("28.2108")) == "28.21"


@pytest.mark.django_db
def test_an_invoice_stays_polish_for_an_english_reader():
    """An invoice is a Polish tax document: drawn while the reader uses English, its amounts
    are still written "1 234,56" (billing/invoices/pdf.py renders it under Polish)."""
    from billing.invoices.pdf import html_of
    from billing.invoices.services import invoice_issue_for_month
    from tests.billing.invoice_factories import PERIOD, commercial_access, month_charges

    account = commercial_access().account
    month_charges(account)
    invoice = invoice_issue_for_month(account=account, period=PERIOD)
    polish = format_pln(invoice.gross_total, currency=False, language="pl")
    english = format_pln(invoice.gross_total, currency=False, language="en")
    assert polish != english  # the figure reads differently in the two languages
    with translation.override("en"):
        page = html_of(invoice)
    assert polish in page
    assert english not in page
