"""The README's demo story, its PDFs: drawn on the first download (tests/ebok/test_readme_demo.py
checks the rest of the story against one seeded demo)."""

import io

import pytest
from celery import current_app
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from billing.models import Invoice
from tests.clients import Client
from tests.ebok.test_readme_demo import find, story  # noqa: F401 - the README fixture


# Transactional: the download's own transaction must commit for its queued render to run. No
# serialized rollback: restoring the migrations' rows broke on the staff groups an earlier
# transactional test's flush had put back under new ids; seed_demo writes the fee components
# and VAT rules a flush took away, and post_migrate the groups.
@pytest.mark.django_db(transaction=True)
def test_pdfs_wait_for_their_first_download(story):  # noqa: F811
    find(r"PDFs are drawn when first downloaded", story)
    call_command("seed_demo", stdout=io.StringIO())
    invoice = Invoice.objects.filter(account__number="1005").order_by("-pk").first()
    assert invoice.pdf_status == "pending"
    client = Client()
    client.force_login(User.objects.get(username="firma"))
    response = client.get(reverse("billing:invoice_pdf", args=[invoice.pk]))
    # without a broker (make run, this test on SQLite) the first download draws it; with one,
    # it is queued and the page says so
    if current_app.conf.task_always_eager:
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response).startswith(b"%PDF")
    else:
        assert response.status_code == 200
        invoice.refresh_from_db()
        assert invoice.pdf_status == "pending"
