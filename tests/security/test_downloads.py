"""Issue #28, points 7 and 9 (c): every download, resident or staff, answers GET and HEAD only,
and a stored file gone from storage (a restore without media) is never a 500: a PDF that can
be drawn again is queued again, an upload that cannot is a page in plain words and a log line
naming the file for staff.

`DOWNLOADS` declares every view that serves a file; `test_every_download_is_declared` reads the
views and admin modules of every app, so a new download fails the suite until it is declared
here, and then `test_downloads_answer_only_get_and_head` holds it to GET/HEAD."""

import ast
import logging

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from billing.invoices.models import Invoice
from faults.models import FaultPhoto
from messaging.models import NoticeAttachment, ThreadMessage
from meters.models import Reading
from privacy.models import DataExport
from resolutions.models import Attachment
from tests import access

pytestmark = pytest.mark.django_db

MISSING_EN = "This file is no longer in our archive"
MISSING_PL = "Tego pliku nie ma już w naszym archiwum"

# module:function -> (URL name, arguments). Admin URLs need a staff login; the objects need not
# exist, a refused method is answered before anything is looked up.
DOWNLOADS = {
    "billing/account/pay_views.py:pay_qr": ("billing:pay_qr", [1]),
    "billing/certificates/views.py:certificate_pdf": ("billing:certificate_pdf", [1]),
    "billing/invoices/views.py:invoice_pdf": ("billing:invoice_pdf", [1]),
    "billing/invoices/views.py:invoice_xml": ("billing:invoice_xml", [1]),
    "billing/account/views.py:history_export_csv": ("billing:history_csv", [1]),
    "billing/account/views.py:statement_pdf": ("billing:statement_pdf", [1]),
    "billing/water/views.py:pdf": ("billing:water_pdf", [1]),
    "faults/views.py:photo": ("faults:photo", [1]),
    "meters/views.py:photo": ("meters:photo", [1]),
    "messaging/views.py:notice_attachment": ("messaging:notice_attachment", [1, 1]),
    "messaging/views.py:message_attachment": ("messaging:message_attachment", [1, 1]),
    "privacy/views.py:download": ("privacy:download", [1]),
    "resolutions/views.py:protocol": ("resolutions:protocol", [1]),
    "resolutions/views.py:attachment": ("resolutions:attachment", [1]),
    "billing/invoices/admin.py:InvoiceAdmin.pdf_view": ("admin:billing_invoice_pdf", [1]),
    "billing/invoices/admin.py:InvoiceAdmin.xml_view": ("admin:billing_invoice_xml", [1]),
    "billing/invoices/admin.py:InvoiceAdmin.upo_view": ("admin:billing_invoice_upo", [1]),
    "billing/ledger_admin/admin_views.py:debtors_view": ("admin:billing_debtors_csv", []),
    "billing/water/admin.py:SettlementRunAdmin.csv_view": ("admin:billing_settlementrun_csv", [1]),
    "faults/admin.py:FaultReportAdmin.photo_view": ("admin:faults_faultphoto_view", [1]),
    "messaging/admin.py:ThreadAdmin.attachment_view": ("admin:messaging_thread_attachment", [1, 1]),
    "meters/admin.py:ReadingWindowAdmin.export_view": ("admin:meters_readingwindow_export", [1]),
    "resolutions/admin.py:ResolutionAdmin.letters_view": (
        "admin:resolutions_resolution_letters",
        [1],
    ),
    "resolutions/admin.py:ResolutionAdmin.protocol_view": (
        "admin:resolutions_resolution_protocol",
        [1],
    ),
}
# What a view that hands out a file contains (directly or through a helper of its module).
SERVES_A_FILE = (
    "FileResponse",
    "Content-Disposition",
    "stored_file_response",
    "stored_pdf_or_again",
    "attachment_response",
    'content_type="image/',
)


def _view_modules():
    root = settings.BASE_DIR
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if (
            rel.parts[0] in {"tests", "scripts", "var", "static", "staticfiles", "node_modules"}
            or rel.parts[0].startswith(".")  # .venv, .git, caches: not the project's code
            or "migrations" in rel.parts
        ):
            continue
        name = path.name
        if (
            name in {"views.py", "admin.py"}
            or name.endswith("_views.py")
            or name.startswith("admin_")
        ):
            yield rel, path.read_text()


def _serving_functions():
    found = set()
    for rel, source in _view_modules():
        functions = {}
        for node in ast.parse(source).body:
            members = node.body if isinstance(node, ast.ClassDef) else [node]
            for item in members:
                if isinstance(item, ast.FunctionDef):
                    qualname = f"{node.name}.{item.name}" if item is not node else item.name
                    functions[item.name] = (qualname, ast.get_source_segment(source, item))
        serving = {n for n, (_, text) in functions.items() if any(m in text for m in SERVES_A_FILE)}
        grew = True
        while grew:  # a view that calls a serving helper of its module serves a file too
            callers = {
                n for n, (_, text) in functions.items() if any(f"{s}(" in text for s in serving)
            }
            grew = not callers <= serving
            serving |= callers
        found |= {f"{rel}:{functions[n][0]}" for n in serving if not n.startswith("_")}
    return found


def test_every_download_is_declared():
    assert _serving_functions() == set(DOWNLOADS)


@pytest.mark.parametrize("view", sorted(DOWNLOADS))
def test_downloads_answer_only_get_and_head(client, staff, owner, view):
    name, args = DOWNLOADS[view]
    client.force_login(staff if name.startswith("admin:") else owner)
    url = reverse(name, args=args)
    response = client.post(url)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    for method in ("put", "patch", "delete"):  # refused for every page by PageMethodsMiddleware
        assert getattr(client, method)(url).status_code == 405, (method, url)
    assert client.head(url).status_code != 405


def test_a_message_attachment_answers_a_post_with_405_and_a_get_with_the_file(owner_client, owner):
    # The audit's example: a POST used to get the attachment (200).
    thread_pk, pk = access.own_message_attachment(owner)
    url = reverse("messaging:message_attachment", args=[thread_pk, pk])
    assert owner_client.post(url).status_code == 405
    assert owner_client.get(url).status_code == 200


# -- a stored file gone from storage -----------------------------------------------------------


def _gone(file):
    default_storage.delete(file.name)
    assert not default_storage.exists(file.name)


def _says_missing(response):
    page = response.content.decode()
    return MISSING_EN in page or MISSING_PL in page


def test_staff_invoice_pdf_whose_file_is_gone_is_queued_again(client, staff, owner):
    # The audit's example: /admin/billing/invoice/<pk>/pdf/ was a 500 FileNotFoundError.
    (pk,) = access.own_invoice(owner)
    invoice = Invoice.objects.get(pk=pk)
    invoice.pdf_file.save("faktura.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    Invoice.objects.filter(pk=pk).update(pdf_status="done", pdf_file=invoice.pdf_file.name)
    _gone(invoice.pdf_file)
    client.force_login(staff)
    response = client.get(reverse("admin:billing_invoice_pdf", args=[pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:billing_invoice_change", args=[pk])
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert shown in (
        ["The PDF is being prepared. Try again in a minute."],
        ["Trwa przygotowywanie pliku PDF. Spróbuj ponownie za minutę."],
    )
    gone = invoice.pdf_file.name
    invoice.refresh_from_db()
    # The row names the lost file until the new render replaces (and deletes) it.
    assert (invoice.pdf_status, invoice.pdf_file.name) == ("pending", gone)


def _fault_photo(user):
    return FaultPhoto.objects.get(pk=access.own_fault_photo(user)[0]).image


def _reading_photo(user):
    return Reading.objects.get(pk=access.own_reading_photo(user)[0]).photo


def _notice_attachment(user):
    return NoticeAttachment.objects.get(pk=access.own_notice_attachment(user)[1]).file


def _message_attachment(user):
    return ThreadMessage.objects.get(pk=access.own_message_attachment(user)[1]).attachment


def _resolution_attachment(user):
    return Attachment.objects.get(pk=access.own_resolution_attachment(user)[0]).file


RESIDENT_UPLOADS = [
    ("faults:photo", _fault_photo, lambda f: [f.instance.pk]),
    ("meters:photo", _reading_photo, lambda f: [f.instance.pk]),
    (
        "messaging:notice_attachment",
        _notice_attachment,
        lambda f: [f.instance.notice_id, f.instance.pk],
    ),
    (
        "messaging:message_attachment",
        _message_attachment,
        lambda f: [f.instance.thread_id, f.instance.pk],
    ),
    ("resolutions:attachment", _resolution_attachment, lambda f: [f.instance.pk]),
]


@pytest.mark.parametrize(
    ("name", "make", "args"), RESIDENT_UPLOADS, ids=[u[0] for u in RESIDENT_UPLOADS]
)
def test_a_resident_upload_whose_file_is_gone_is_a_page_saying_so(
    owner_client, owner, caplog, name, make, args
):
    stored = make(owner)
    _gone(stored)
    with caplog.at_level(logging.ERROR, logger="core.downloads"):
        response = owner_client.get(reverse(name, args=args(stored)))
    assert response.status_code == 404
    assert _says_missing(response)
    assert any(stored.name in record.getMessage() for record in caplog.records)


STAFF_UPLOADS = [
    (
        "admin:faults_faultphoto_view",
        _fault_photo,
        lambda f: [f.instance.pk],
        lambda f: reverse("admin:faults_faultreport_change", args=[f.instance.report_id]),
    ),
    (
        "admin:messaging_thread_attachment",
        _message_attachment,
        lambda f: [f.instance.thread_id, f.instance.pk],
        lambda f: reverse("admin:messaging_thread_change", args=[f.instance.thread_id]),
    ),
]


@pytest.mark.parametrize(
    ("name", "make", "args", "back"), STAFF_UPLOADS, ids=[u[0] for u in STAFF_UPLOADS]
)
def test_a_staff_download_whose_file_is_gone_goes_back_with_a_message(
    client, staff, owner, caplog, name, make, args, back
):
    stored = make(owner)
    _gone(stored)
    client.force_login(staff)
    with caplog.at_level(logging.ERROR, logger="core.downloads"):
        response = client.get(reverse(name, args=args(stored)))
    assert response.status_code == 302
    assert response["Location"] == back(stored)
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(shown) == 1
    assert MISSING_EN in shown[0] or MISSING_PL in shown[0]
    assert any(stored.name in record.getMessage() for record in caplog.records)


def test_a_data_export_whose_file_is_gone_is_prepared_again(owner_client, owner):
    (pk,) = access.own_data_export(owner)
    export = DataExport.objects.get(pk=pk)
    _gone(export.file)
    response = owner_client.get(reverse("privacy:download", args=[pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:index")
    # The gone one stays listed as it was; one new export is queued: 1 + 1 = 2 rows.
    assert DataExport.objects.filter(user=owner).count() == 2
    newest = DataExport.objects.filter(user=owner).exclude(pk=pk).get()
    assert newest.status in ("pending", "running", "done")
