"""Finding 7 of the security audit: an mBank CSV with a 1 MB title field gave HTTP 500 (`field
larger than field limit`). Any oversized or malformed statement is now a clear refusal: next to
the file field when it is no statement at all, on the import's page when the worker that reads
it finds a damaged field (the upload only checks the format). Nothing is booked, and nothing of
the file reaches the log or the message."""

import logging
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from billing.bank.services import statement_import_run
from billing.models import Payment, StatementImport, StatementLine
from tests.billing.statements import Transfer, mbank_csv, mt940
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
ADD = reverse("admin:billing_statementimport_add")
SECRET = "PESEL85010112345"  # stands for the personal data in a statement


def row(title="CZYNSZ", payer="JAN KOWALSKI", amount="100,00", day="02.03.2026"):
    return (day, "PRZELEW", title, payer, "12114020040000320276034397", amount, "1 100,00")


def huge(n):
    return (SECRET + " ") * (n // (len(SECRET) + 1))


CASES = {
    "a 1 MB title (the audit's file)": mbank_csv([row(title=huge(1_000_000))]).encode(),
    "a 2 000-character title": mbank_csv([row(title=huge(2_000))]).encode(),
    "a 1 000-character payer": mbank_csv([row(payer=huge(1_000))]).encode(),
    "a bad amount": mbank_csv([row(amount="12e9" + SECRET)]).encode(),
    "an impossible date": mbank_csv([row(day="31.02.2026")]).encode(),
    "an unterminated quote": mbank_csv([row()]).replace('"CZYNSZ"', '"CZYNSZ ' + SECRET).encode(),
    "too few columns": mbank_csv([row()]).replace(";'12114020040000320276034397'", "").encode(),
    "binary junk": b"\x00\x01\x02" + SECRET.encode() + bytes(range(256)) * 40,
    "an MT940 with a 1 MB :86:": mt940(
        [Transfer(Decimal("10.00"), title=huge(1_000_000))]
    ).encode(),
    "an MT940 cut short": mt940([Transfer(Decimal("10.00"), title=SECRET)]).encode()[:-40],
}


@pytest.fixture
def accountant(client):
    client.force_login(StaffFactory(username="ksiegowa", groups=["Księgowość"]))
    return client


@pytest.mark.parametrize("case", list(CASES))
def test_a_damaged_statement_is_refused_clearly_and_stores_nothing(accountant, case, caplog):
    caplog.set_level(logging.DEBUG)
    response = accountant.post(ADD, {"file": SimpleUploadedFile("wyciag.csv", CASES[case])})
    assert response.status_code in (200, 302), case  # never a 500
    if response.status_code == 200:  # no statement at all: the form again, with the reason
        errors = response.context["form"].errors["file"]
        assert errors
        assert all(e.strip() for e in errors)
        assert not StatementImport.objects.exists()
    else:  # a statement: stored and queued; the worker refuses it, with the reason shown
        (statement,) = StatementImport.objects.all()
        statement_import_run(statement_id=statement.pk)  # what the worker does
        statement.refresh_from_db()
        assert statement.status == StatementImport.Status.ERROR, case
        assert statement.error.strip()
        assert len(statement.error) < 500  # no 1 MB field echoed
        page = accountant.get(response["Location"]).content.decode()
        assert statement.error.split(":")[0] in page
    assert not StatementLine.objects.exists()
    assert not Payment.objects.exists()
    assert SECRET not in caplog.text
    assert SECRET[:8] not in caplog.text
