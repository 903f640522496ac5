"""Two informational findings of the security audit. Accounting staff read every resident's
thread and attachment: which staff read which letters is now a permission (BOK every topic,
Księgowość fees and payments only). PDF attachments were checked only for `%PDF-` and shown
inline: now a PDF must be whole and passive, and every uploaded file is a download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from messaging.attachments import AttachmentRejected, check_pdf
from messaging.models import Thread, ThreadMessage
from tests.factories import StaffFactory
from tests.messaging.factories import PDF_BYTES, message_with_attachment, thread_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def accountant(client):
    client.force_login(StaffFactory(username="ksiegowa", groups=["Księgowość"]))
    return client


def test_accounting_reads_only_threads_about_fees(accountant, owner):
    payments = thread_of(owner, subject="Nadpłata")
    Thread.objects.filter(pk=payments.pk).update(topic="payments")
    repairs = thread_of(owner, subject="Cieknący kran")
    Thread.objects.filter(pk=repairs.pk).update(topic="repairs")
    listed = accountant.get(reverse("admin:messaging_thread_changelist"))
    assert list(listed.context["cl"].result_list) == [payments]
    assert accountant.get(
        reverse("admin:messaging_thread_change", args=[repairs.pk])
    ).status_code == 302  # Django admin: "does not exist", back to the list
    message = message_with_attachment(repairs)
    url = reverse("admin:messaging_thread_attachment", args=[repairs.pk, message.pk])
    assert accountant.get(url).status_code == 404


def test_bok_reads_every_topic(client, staff, owner):
    client.force_login(staff)
    for topic in ("payments", "repairs", "contract"):
        Thread.objects.filter(pk=thread_of(owner).pk).update(topic=topic)
    listed = client.get(reverse("admin:messaging_thread_changelist"))
    assert len(listed.context["cl"].result_list) == 3


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n1 0 obj<</Type/Catalog/OpenAction 2 0 R>>endobj\ntrailer<<>>\n%%EOF\n",
        b"%PDF-1.7\n1 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj\ntrailer<<>>\n%%EOF\n",
        b"%PDF-1.7\n1 0 obj<</S/J#61vaScript>>endobj\ntrailer<<>>\n%%EOF\n",
        b"%PDF-1.7\n1 0 obj<</Type/Action/S/Launch/F(cmd.exe)>>endobj\ntrailer<<>>\n%%EOF\n",
        b"%PDF-1.7\n1 0 obj<</Type/EmbeddedFile>>endobj\ntrailer<<>>\n%%EOF\n",
        b"%PDF-1.7\n1 0 obj<<>>endobj\n",  # cut short: no end-of-file marker
        b"%PDF-<html><script>alert(1)</script>\n%%EOF",  # a page behind the signature
    ],
)
def test_active_or_broken_pdfs_are_refused(owner_client, account, content):
    with pytest.raises(AttachmentRejected):
        check_pdf(content)
    response = owner_client.post(
        reverse("messaging:thread_new"),
        {
            "account": account.pk,
            "topic": "payments",
            "subject": "Potwierdzenie",
            "text": "W załączniku.",
            "attachment": SimpleUploadedFile("potwierdzenie.pdf", content),
        },
    )
    assert response.context["form"].errors["attachment"]
    assert not ThreadMessage.objects.exists()


def test_uploaded_pdfs_are_downloads_for_staff_and_residents(client, owner, staff):
    check_pdf(PDF_BYTES)  # a plain PDF passes
    thread = thread_of(owner)
    message = message_with_attachment(thread)
    client.force_login(staff)
    staff_view = client.get(
        reverse("admin:messaging_thread_attachment", args=[thread.pk, message.pk])
    )
    client.force_login(owner)
    resident_view = client.get(
        reverse("messaging:message_attachment", args=[thread.pk, message.pk])
    )
    for response in (staff_view, resident_view):
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"].startswith("sandbox")
