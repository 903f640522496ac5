"""Issue #30, point 4: the PDF account statement comes from the pdf worker. The request stores
a row and queues its render after commit; the statement's page says "w przygotowaniu" and
refreshes itself (no JavaScript) until the download is there. The same statement asked for
again is drawn once; a posting draws a new one; old ones are swept away with their files."""

import datetime
import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from billing.account import account_statement_pdf, services
from billing.account.models import StatementPdf
from tests.billing.factories import ChargeFactory, PaymentFactory

# The queued render runs in the test, as with `make run`, whatever REDIS_URL says.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]
REFRESH = '<meta http-equiv="refresh" content="3">'


@pytest.fixture
def drawn(monkeypatch):
    """Every WeasyPrint render of a statement, counted (and really done)."""
    calls = []
    real = account_statement_pdf.document_pdf

    def counting(html):
        calls.append(html)
        return real(html)

    monkeypatch.setattr(account_statement_pdf, "document_pdf", counting)
    return calls


@pytest.fixture
def march(account):
    PaymentFactory(account=account, amount=D("120.00"), paid_on=datetime.date(2026, 3, 5))
    ChargeFactory(
        account=account,
        title="Czynsz 03/2026",
        amount=D("300.00"),
        due_date=datetime.date(2026, 3, 10),
    )


def ask(client, account, year="2026"):
    return client.get(reverse("billing:history_pdf", args=[account.pk]) + f"?rok={year}")


def pdf_text(content):
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(p.extract_text().split()) for p in pages)


def test_the_request_queues_the_statement_and_does_not_draw_it(
    owner_client, owner, account, march, drawn, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        response = ask(owner_client, account)
    row = StatementPdf.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("billing:statement", args=[row.pk])
    assert (row.account, row.requested_by, row.year) == (account, owner, 2026)
    assert row.pdf_status == "pending"
    assert len(queued) == 1  # the render, sent once the request commits
    assert drawn == []  # and not drawn in the request

    waiting = owner_client.get(response["Location"]).content.decode()
    assert REFRESH in waiting
    assert "Zestawienie jest w przygotowaniu" in waiting
    assert reverse("billing:statement_pdf", args=[row.pk]) not in waiting

    queued[0]()  # the worker's turn (eager Celery: the task runs here)
    assert len(drawn) == 1
    ready = owner_client.get(response["Location"]).content.decode()
    assert REFRESH not in ready
    assert "Zestawienie jest gotowe" in ready
    assert reverse("billing:statement_pdf", args=[row.pk]) in ready

    pdf = owner_client.get(reverse("billing:statement_pdf", args=[row.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert f"wyciag-{account.number}-2026.pdf" in pdf["Content-Disposition"]
    text = pdf_text(pdf.content)
    assert "Czynsz 03/2026" in text
    # paid 120,00 on 5 March, charged 300,00 on 10 March: 120,00 − 300,00 = −180,00 owed
    assert "nadpłata 120,00 zł" in text
    assert "do zapłaty 180,00 zł" in text
    assert "Saldo na dziś: do zapłaty 180,00 zł" in text


def test_the_same_statement_is_drawn_once_until_a_posting(
    owner_client, account, march, drawn, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        first = ask(owner_client, account)
        second = ask(owner_client, account)  # clicked twice while it waits
    assert first["Location"] == second["Location"]
    assert len(queued) == 1
    queued[0]()
    with django_capture_on_commit_callbacks(execute=True):
        again = ask(owner_client, account)  # drawn already, nothing posted since
    assert again["Location"] == first["Location"]
    assert len(drawn) == 1

    PaymentFactory(account=account, amount=D("180.00"), paid_on=datetime.date(2026, 3, 20))
    with django_capture_on_commit_callbacks(execute=True):
        after = ask(owner_client, account)
    assert after["Location"] != first["Location"]
    assert len(drawn) == 2
    latest = StatementPdf.objects.latest("pk")
    text = pdf_text(owner_client.get(reverse("billing:statement_pdf", args=[latest.pk])).content)
    # the new payment shown: 120,00 + 180,00 paid = 300,00 charged, so the balance is 0,00
    assert "180,00" in text
    assert "Saldo na dziś: 0,00 zł" in text

    with django_capture_on_commit_callbacks(execute=True):
        whole = ask(owner_client, account, "all")  # another scope, another statement
    assert whole["Location"] not in (first["Location"], after["Location"])
    assert StatementPdf.objects.latest("pk").year is None


def test_a_stranger_and_a_co_holder_get_404(
    owner_client, client, account, march, stranger, co_holder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(owner_client, account)
    row = StatementPdf.objects.get()
    for other in (stranger, co_holder):  # the co-holder asks for a statement of their own
        client.force_login(other)
        assert client.get(reverse("billing:statement", args=[row.pk])).status_code == 404
        assert client.get(reverse("billing:statement_pdf", args=[row.pk])).status_code == 404
    client.force_login(stranger)
    assert ask(client, account).status_code == 404
    assert StatementPdf.objects.count() == 1


def test_a_year_not_in_the_list_is_404(owner_client, account, march):
    assert ask(owner_client, account, "1900").status_code == 404
    assert not StatementPdf.objects.exists()


def test_a_failed_render_says_so_and_offers_another_try(
    owner_client, account, march, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(html):
        raise RuntimeError("WeasyPrint crashed")

    monkeypatch.setattr(account_statement_pdf, "document_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        location = ask(owner_client, account)["Location"]
    assert StatementPdf.objects.get().pdf_status == "failed"
    page = owner_client.get(location).content.decode()
    assert REFRESH not in page
    assert "Nie udało się przygotować zestawienia" in page
    assert reverse("billing:history_pdf", args=[account.pk]) + "?rok=2026" in page


def test_a_statement_whose_file_is_gone_is_drawn_again(
    owner_client, account, march, drawn, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        location = ask(owner_client, account)["Location"]
    row = StatementPdf.objects.get()
    row.pdf_file.storage.delete(row.pdf_file.name)
    with django_capture_on_commit_callbacks(execute=True):
        page = owner_client.get(location)  # queued again, drawn once the request commits
    assert REFRESH in page.content.decode()
    assert len(drawn) == 2
    assert "Zestawienie jest gotowe" in owner_client.get(location).content.decode()
    pdf = owner_client.get(reverse("billing:statement_pdf", args=[row.pk]))
    assert "Czynsz 03/2026" in pdf_text(pdf.content)


def test_the_sweeper_deletes_old_statements_and_frees_stuck_ones(
    owner, account, march, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        old = services.statement_request(user=owner, account=account, year=2026)
        kept = services.statement_request(user=owner, account=account, year=None)
    stuck = StatementPdf.objects.create(
        account=account,
        requested_by=owner,
        year=2025,
        as_of=timezone.localdate(),
        ledger_version="x",
        language="pl",
    )
    now = timezone.now()
    StatementPdf.objects.filter(pk=old.pk).update(issued_at=now - datetime.timedelta(days=3))
    StatementPdf.objects.filter(pk=stuck.pk).update(
        pdf_status="rendering",
        pdf_claimed_at=now - datetime.timedelta(minutes=11),
        issued_at=now - datetime.timedelta(minutes=11),
    )
    old.refresh_from_db()
    storage, old_name = old.pdf_file.storage, old.pdf_file.name
    assert storage.exists(old_name)

    assert services.statement_pdfs_sweep(now=now) == [stuck.pk]  # given back, to nudge
    assert not StatementPdf.objects.filter(pk=old.pk).exists()
    assert not storage.exists(old_name)  # over 2 days old: the row and its file gone
    kept.refresh_from_db()
    assert kept.pdf_status == "done"
    assert storage.exists(kept.pdf_file.name)
