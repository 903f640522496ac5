"""The statement import in admin, as Księgowość and BOK use it."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from billing.models import Payment, StatementImport, StatementLine
from tests.billing.statements import DATA, Transfer, mt940
from tests.factories import AccountFactory, StaffFactory

pytestmark = pytest.mark.django_db
ADD = reverse("admin:billing_statementimport_add")


@pytest.fixture
def accountant(client):
    client.force_login(StaffFactory(username="ksiegowa", groups=["Księgowość"]))
    return client


@pytest.fixture
def bok(client):
    client.force_login(StaffFactory(username="bok", groups=["BOK"]))
    return client


def upload(client, data, name="wyciag.sta"):
    return client.post(ADD, {"file": SimpleUploadedFile(name, data)})


def test_accountant_uploads_and_sees_the_result(
    accountant, eager_tasks, django_capture_on_commit_callbacks
):
    account = AccountFactory(number="0012345")
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(accountant, (DATA / "mt940_mbank_iph_iso8859-2.sta").read_bytes())
    statement = StatementImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:billing_statementimport_change", args=[statement.pk]
    )
    assert statement.status == "done"
    assert statement.lines_new == 2
    assert Payment.objects.get(account=account).amount == Decimal("450.00")

    page = accountant.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "2 of 2" in html or "2 z 2" in html
    assert 'http-equiv="refresh"' not in html  # finished: no more refreshing
    assert "mt940_mbank_iph_iso8859-2.sta" not in statement.file.name


def test_running_import_page_refreshes_itself(accountant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():  # the task has not run yet
        upload(accountant, mt940([Transfer(Decimal("10.00"))]).encode())
    statement = StatementImport.objects.get()
    html = accountant.get(
        reverse("admin:billing_statementimport_change", args=[statement.pk])
    ).content.decode()
    assert 'http-equiv="refresh"' in html
    assert "<progress" in html


def test_a_file_that_is_no_statement_is_refused_next_to_the_field(accountant):
    response = upload(accountant, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "wyciag.png")
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert response.context["form"].errors["file"]
    assert not StatementImport.objects.exists()
    assert not StatementLine.objects.exists()


def test_a_truncated_statement_is_refused_on_the_job_page(
    accountant, eager_tasks, django_capture_on_commit_callbacks
):
    data = (DATA / "mt940_pko_tilde_cp1250.sta").read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(accountant, data[: data.index(b":62F:")])
    statement = StatementImport.objects.get()
    assert response.status_code == 302
    assert statement.status == "error"
    html = accountant.get(response["Location"]).content.decode()
    assert 'class="errornote"' in html
    assert "62F" in html  # the reason: no closing balance
    assert 'http-equiv="refresh"' not in html
    assert not StatementLine.objects.exists()


def test_bok_sees_imports_but_cannot_upload_or_book(bok, django_capture_on_commit_callbacks):
    assert upload(bok, mt940([Transfer(Decimal("10.00"))]).encode()).status_code == 403
    assert bok.get(ADD).status_code == 403
    assert not StatementImport.objects.exists()
    assert bok.get(reverse("admin:billing_statementimport_changelist")).status_code == 200
    assert bok.get(reverse("admin:billing_statementline_changelist")).status_code == 200


def imported_unmatched_line(clerk_client, title="WPŁATA BEZ NUMERU"):
    from billing.bank.services import statement_import_run, statement_upload

    clerk = StaffFactory(groups=["Księgowość"])
    data = mt940([Transfer(Decimal("77.00"), title=title)]).encode()
    statement = statement_upload(file=SimpleUploadedFile("x.sta", data), clerk=clerk)
    statement_import_run(statement_id=statement.pk)
    return StatementLine.objects.get()


def test_unmatched_queue_and_search_by_amount_and_payer(accountant):
    line = imported_unmatched_line(accountant)
    queue = reverse("admin:billing_statementline_changelist")
    for query in ({"status__exact": "unmatched"}, {"q": "77,00"}, {"q": "KOWALSKI"}):
        page = accountant.get(queue, query)
        assert page.status_code == 200
        assert list(page.context["cl"].result_list) == [line], query
    assert list(accountant.get(queue, {"q": "78,00"}).context["cl"].result_list) == []


def test_accountant_assigns_a_line_by_account_number(accountant):
    account = AccountFactory(number="0067890")
    line = imported_unmatched_line(accountant)
    page = accountant.get(reverse("admin:billing_statementline_change", args=[line.pk]))
    assert page.status_code == 200
    assert "account_number" in page.content.decode()
    assign = reverse("admin:billing_statementline_assign", args=[line.pk])

    unknown = accountant.post(assign, {"account_number": "9999999"})
    assert unknown.status_code == 400
    assert "9999999" in unknown.content.decode()
    assert not Payment.objects.exists()

    response = accountant.post(assign, {"account_number": "67890"})  # without the zeros
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert payment.account == account
    assert payment.amount == Decimal("77.00")
    again = accountant.post(assign, {"account_number": "67890"})
    assert again.status_code == 400
    assert Payment.objects.count() == 1


def test_accountant_marks_a_line_as_not_a_payment(accountant):
    line = imported_unmatched_line(accountant)
    ignore = reverse("admin:billing_statementline_ignore", args=[line.pk])
    assert accountant.post(ignore, {"reason": ""}).status_code == 400
    assert accountant.post(ignore, {"reason": "Zwrot od dostawcy"}).status_code == 302
    line.refresh_from_db()
    assert line.status == "ignored"
    assert line.ignore_reason == "Zwrot od dostawcy"


def test_bok_cannot_assign(bok):
    AccountFactory(number="0067890")
    line = imported_unmatched_line(bok)
    response = bok.post(
        reverse("admin:billing_statementline_assign", args=[line.pk]), {"account_number": "67890"}
    )
    assert response.status_code == 403
    page = bok.get(reverse("admin:billing_statementline_change", args=[line.pk]))
    assert page.status_code == 200
    assert "account_number" not in page.content.decode()
    assert not Payment.objects.exists()
