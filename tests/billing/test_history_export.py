"""The payment history downloaded as CSV (for Polish Excel) and as a PDF statement."""

import csv
import datetime
import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from pypdf import PdfReader

from billing.account.models import StatementPdf
from tests.billing.factories import ChargeFactory, PaymentFactory
from tests.factories import AccessFactory, BuildingFactory, CommunityFactory


@pytest.fixture
def two_years(account):
    ChargeFactory(
        account=account,
        title="Czynsz 12/2025",
        amount=D("1200.00"),
        due_date=datetime.date(2025, 12, 10),
    )
    PaymentFactory(
        account=account,
        amount=D("1000.00"),
        paid_on=datetime.date(2025, 12, 9),
        title="Opłata za grudzień",
    )
    ChargeFactory(
        account=account,
        title="Czynsz 01/2026",
        amount=D("1250.50"),
        due_date=datetime.date(2026, 1, 10),
    )
    ChargeFactory(
        account=account,
        title="Wywóz odpadów 01/2026",
        amount=D("36.00"),
        due_date=datetime.date(2026, 1, 10),
    )
    PaymentFactory(
        account=account,
        amount=D("1486.50"),
        paid_on=datetime.date(2026, 1, 15),
        title='=HYPERLINK("http://example.com")',
    )


def pdf_text(content: bytes) -> str:
    """The PDF's text with its spaces (also non-breaking) single and minus signs plain."""
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(p.extract_text().split()) for p in pages).replace("\u2212", "-")


def download(client, name, account, year):
    response = client.get(reverse(name, args=[account.pk]) + f"?rok={year}")
    assert response.status_code == 200
    return response


def statement(client, account, year):
    """The PDF statement as a resident gets it: asked for, drawn by the (eager) worker once
    the request commits, then downloaded from its page."""
    from django.test import TestCase

    url = reverse("billing:history_pdf", args=[account.pk]) + f"?rok={year}"
    with TestCase.captureOnCommitCallbacks(execute=True):
        asked = client.get(url)
    assert asked.status_code == 302
    page = client.get(asked["Location"])
    assert page.status_code == 200
    row = StatementPdf.objects.get(pk=page.context["statement"].pk)
    assert reverse("billing:statement_pdf", args=[row.pk]) in page.content.decode()
    response = client.get(reverse("billing:statement_pdf", args=[row.pk]))
    assert response.status_code == 200
    return response


def test_csv_opens_in_polish_excel(owner_client, account, two_years):
    response = download(owner_client, "billing:history_csv", account, 2026)
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        f'attachment; filename="historia-{account.number}-2026.csv"'
    )
    assert response["Cache-Control"] == "no-store"  # personal data
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, so Excel reads ó and ł
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(rows[0]) == 5
    # opening balance, then every entry of 2026 with the running balance, decimal comma
    assert rows[1] == ["01.01.2026", rows[1][1], "", "", "-200,00"]
    assert rows[2] == ["10.01.2026", "Czynsz 01/2026", "1250,50", "", "-1450,50"]
    assert rows[3] == ["10.01.2026", "Wywóz odpadów 01/2026", "36,00", "", "-1486,50"]
    # a title from a bank statement cannot run as a spreadsheet formula
    date, description, charge, payment, balance = rows[4]
    assert (date, charge, payment, balance) == ("15.01.2026", "", "1486,50", "0,00")
    assert description.startswith(("Przelew", "Bank transfer"))
    assert "=HYPERLINK" in description
    assert not description.startswith("=")
    assert len(rows) == 5


def test_csv_of_the_whole_history(owner_client, account, two_years):
    response = download(owner_client, "billing:history_csv", account, "all")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [r[4] for r in rows[1:]] == ["1000,00", "-200,00", "-1450,50", "-1486,50", "0,00"]
    assert "calosc" in response["Content-Disposition"]


@pytest.mark.usefixtures("eager_tasks")  # the job/render runs in the test
def test_pdf_statement_text(owner_client, account, two_years, settings):
    response = statement(owner_client, account, 2026)
    assert response["Content-Type"] == "application/pdf"
    assert f"wyciag-{account.number}-2026.pdf" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.pages[0].mediabox.width == pytest.approx(595, abs=1)  # A4
    text = pdf_text(response.content)
    assert settings.MANAGER_NAME in text  # Polish letters survive: "Zakład Budynków"
    assert account.number in text
    assert account.premises.building.street in text  # "ul. Głęboka …"
    assert "01.01.2026 – 31.12.2026" in text
    for amount in ("1 250,50", "36,00", "1 486,50"):
        assert amount in text, amount
    # the running balance in words, never signed: −200,00 opening, −1 450,50, −1 486,50
    for balance in ("do zapłaty 200,00 zł", "do zapłaty 1 450,50 zł", "do zapłaty 1 486,50 zł"):
        assert balance in text, balance
    assert "-200,00" not in text
    assert "Wywóz odpadów 01/2026" in text
    # totals of the year: 1 286,50 charged, 1 486,50 paid
    assert "1 286,50" in text


@pytest.mark.usefixtures("eager_tasks")  # the job/render runs in the test
def test_pdf_for_a_community_owner_names_the_community(db, client):
    community = CommunityFactory(name="Wspólnota Mieszkaniowa Żeromskiego 5")
    building = BuildingFactory(community=community)
    access = AccessFactory(
        account__premises__building=building, account__kind="community_ownership"
    )
    ChargeFactory(account=access.account, amount=D("99.99"), due_date=datetime.date(2026, 3, 10))
    client.force_login(access.user)
    response = statement(client, access.account, 2026)
    text = pdf_text(response.content)
    assert "Wspólnota Mieszkaniowa Żeromskiego 5" in text
    assert "99,99" in text


@pytest.mark.usefixtures("eager_tasks")  # the job/render runs in the test
def test_pdf_has_a_title_and_language(owner_client, account, two_years):
    response = statement(owner_client, account, "all")
    reader = PdfReader(io.BytesIO(response.content))
    assert account.number in reader.metadata.title
    assert reader.trailer["/Root"].get("/Lang") == "pl"
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged for screen readers
