"""The README's demo story, its PDFs: drawn on the first download (tests/ebok/test_readme_demo.py
checks the rest of the story against one seeded demo)."""

import io

import pytest
from celery import current_app
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.urls import reverse

from accounts.models import User
from billing.models import Invoice
from tests.clients import Client
from tests.ebok.test_readme_demo import find, story  # noqa: F401 - the README fixture


@pytest.fixture
def emptied_database(django_db_blocker):
    """An earlier transactional test's flush runs post_migrate, which puts the staff groups
    back under new ids (PostgreSQL's sequences go on); restoring the migrations' rows on top of
    them would break their unique names, so the tables are emptied first."""
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)


def sequences_past_the_restored_rows():
    """The restored rows keep their ids, but the flush set PostgreSQL's sequences back to 1."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(statement)


# Transactional: the download's own transaction must commit for its queued render to run; the
# migrations' rows (components, VAT rules, groups) are restored, as seed_demo needs them.
def test_pdfs_wait_for_their_first_download(
    emptied_database, django_db_serialized_rollback, transactional_db, story  # noqa: F811
):
    find(r"PDFs are drawn when first downloaded", story)
    sequences_past_the_restored_rows()
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
