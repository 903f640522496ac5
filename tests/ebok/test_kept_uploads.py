"""A file is never silently dropped: a resident form that comes back with an error keeps what
was attached (a thumbnail or the name, with "Usuń"), the next submit uses it, "Usuń" drops it,
nobody else can use it, and what nobody came back for is swept. Without JavaScript: the page
carries the kept file as a hidden signed name and a checkbox."""

import datetime
import os
import re
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core import pending_uploads
from ebok.tasks import pending_uploads_sweep
from faults.models import FaultReport
from messaging.models import Thread
from meters.models import Reading
from tests.clients import Client
from tests.faults.factories import jpeg_bytes
from tests.messaging.factories import PDF_BYTES
from tests.meters.factories import MeterFactory, WindowFactory

pytestmark = pytest.mark.django_db


def fault_form(account, **extra):
    return {
        "account": account.pk,
        "place": "premises",
        "category": "water",
        "title": "Cieknie kaloryfer",
        "description": "Pod oknem kapie woda.",
        "contact_phone": "600123456",
        **extra,
    }


def photo(name="kaloryfer.jpg"):
    return SimpleUploadedFile(name, jpeg_bytes(), "image/jpeg")


def kept_tokens(page, field):
    return re.findall(rf'name="{field}__kept" value="([^"]+)"', page)


def pending_files(settings):
    folder = Path(settings.MEDIA_ROOT) / "pending"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_fault_form_error_keeps_the_photo_and_the_next_submit_stores_it(
    owner_client, account, settings
):
    response = owner_client.post(
        reverse("faults:new"), fault_form(account, description="", photos=[photo()])
    )
    assert response.status_code == 200
    assert not FaultReport.objects.exists()
    page = response.content.decode()
    (token,) = kept_tokens(page, "photos")
    assert "Załączono: kaloryfer.jpg" in page
    assert "Usuń" in page
    thumbnail = reverse("pending_upload", args=[token])
    assert f'src="{thumbnail}"' in page
    shown = owner_client.get(thumbnail)
    assert (shown.status_code, shown["Content-Type"]) == (200, "image/jpeg")
    assert len(pending_files(settings)) == 1

    response = owner_client.post(reverse("faults:new"), fault_form(account, photos__kept=token))
    assert response.status_code == 302
    report = FaultReport.objects.get()
    assert report.photos.count() == 1
    assert report.events.filter(kind="photo_added").count() == 1
    assert pending_files(settings) == []  # used, so no longer kept


def test_a_kept_photo_goes_with_new_ones(owner_client, account):
    response = owner_client.post(
        reverse("faults:new"), fault_form(account, title="", photos=[photo("a.jpg")])
    )
    (token,) = kept_tokens(response.content.decode(), "photos")
    owner_client.post(
        reverse("faults:new"),
        fault_form(account, photos__kept=token, photos=[photo("b.jpg")]),
    )
    assert FaultReport.objects.get().photos.count() == 2


def test_remove_drops_the_kept_photo(owner_client, account, settings):
    response = owner_client.post(
        reverse("faults:new"), fault_form(account, title="", photos=[photo()])
    )
    (token,) = kept_tokens(response.content.decode(), "photos")
    response = owner_client.post(
        reverse("faults:new"), fault_form(account, photos__kept=token, photos__drop=token)
    )
    assert response.status_code == 302
    assert FaultReport.objects.get().photos.count() == 0
    assert pending_files(settings) == []
    assert owner_client.get(reverse("pending_upload", args=[token])).status_code == 404


def test_a_stranger_cannot_use_or_see_someone_elses_kept_photo(
    owner_client, account, stranger, other_account
):
    response = owner_client.post(
        reverse("faults:new"), fault_form(account, title="", photos=[photo()])
    )
    (token,) = kept_tokens(response.content.decode(), "photos")
    client = Client()
    client.force_login(stranger)
    assert client.get(reverse("pending_upload", args=[token])).status_code == 404
    response = client.post(reverse("faults:new"), fault_form(other_account, photos__kept=token))
    assert response.status_code == 302
    assert FaultReport.objects.get(reporter=stranger).photos.count() == 0
    # the owner's photo is still kept for the owner, whose next submit stores it
    owner_client.post(reverse("faults:new"), fault_form(account, photos__kept=token))
    assert FaultReport.objects.get(account=account).photos.count() == 1


def test_a_refused_photo_is_not_kept_and_the_page_says_attach_again(owner_client, account):
    fake = SimpleUploadedFile("skrypt.jpg", b"<script>alert(1)</script>", "image/jpeg")
    response = owner_client.post(reverse("faults:new"), fault_form(account, photos=[fake, photo()]))
    page = response.content.decode()
    assert response.context["form"].errors["photos"]
    assert kept_tokens(page, "photos") == []
    assert "Załączonego tu pliku nie zachowaliśmy: po poprawieniu błędu załącz go ponownie." in page


def test_a_kept_photo_swept_meanwhile_is_asked_for_again(owner_client, account, settings):
    response = owner_client.post(
        reverse("faults:new"), fault_form(account, title="", photos=[photo()])
    )
    (token,) = kept_tokens(response.content.decode(), "photos")
    for path in pending_files(settings):
        path.unlink()
    response = owner_client.post(reverse("faults:new"), fault_form(account, photos__kept=token))
    assert response.status_code == 200
    assert response.context["form"].errors["photos"] == [
        "Plik załączony wcześniej nie jest już przechowywany; załącz go ponownie."
    ]
    assert not FaultReport.objects.exists()


def test_a_fault_comment_keeps_its_photo(owner_client, owner, account):
    report = FaultReport.objects.create(
        reporter=owner,
        account=account,
        building=account.premises.building,
        place="staircase",
        category="other",
        title="Drzwi",
        description="Nie domykają się.",
        contact_phone="600123456",
    )
    url = reverse("faults:detail", args=[report.pk])
    response = owner_client.post(
        url, {"action": "comment", "text": "x" * 5001, "photo": photo("drzwi.jpg")}
    )
    assert response.status_code == 200
    (token,) = kept_tokens(response.content.decode(), "photo")
    response = owner_client.post(url, {"action": "comment", "text": "", "photo__kept": token})
    assert response.status_code == 302
    assert report.photos.count() == 1


def test_a_meter_reading_error_keeps_the_photo(owner_client, account, settings):
    today = timezone.localdate()
    WindowFactory(
        starts_on=today - datetime.timedelta(days=5), ends_on=today + datetime.timedelta(days=5)
    )
    meter = MeterFactory(premises=account.premises, serial_number="ZW-1")
    url = reverse("meters:submit", args=[meter.pk])
    token = owner_client.get(url).context["form"].initial["token"]
    tomorrow = today + datetime.timedelta(days=1)
    response = owner_client.post(
        url,
        {"value": "12,5", "read_on": tomorrow.isoformat(), "token": token, "photo": photo()},
    )
    assert response.status_code == 200
    (kept,) = kept_tokens(response.content.decode(), "photo")
    response = owner_client.post(
        url, {"value": "12,5", "read_on": today.isoformat(), "token": token, "photo__kept": kept}
    )
    assert response.status_code == 302
    assert Reading.objects.get(meter=meter).photo
    assert pending_files(settings) == []


def test_a_message_keeps_its_pdf_shown_by_name(owner_client, account):
    data = {"account": account.pk, "topic": "payments", "subject": "Nadpłata", "text": ""}
    attachment = SimpleUploadedFile("potwierdzenie.pdf", PDF_BYTES, "application/pdf")
    response = owner_client.post(
        reverse("messaging:thread_new"), {**data, "attachment": attachment}
    )
    page = response.content.decode()
    (token,) = kept_tokens(page, "attachment")
    assert "Załączono: potwierdzenie.pdf" in page
    assert reverse("pending_upload", args=[token]) not in page  # no thumbnail of a PDF
    response = owner_client.post(
        reverse("messaging:thread_new"),
        {
            **data,
            "text": "Proszę o zwrot.",
            "token": response.context["form"].data.get("token", ""),
            "attachment__kept": token,
        },
    )
    assert response.status_code == 302
    assert Thread.objects.get().messages.get().attachment_name == "potwierdzenie.pdf"


def test_the_sweep_deletes_what_nobody_came_back_for(owner, settings):
    old = pending_uploads.keep(owner, photo("a.jpg"))
    pending_uploads.keep(owner, photo("b.jpg"))
    files = pending_files(settings)
    assert len(files) == 2
    five_hours_ago = time.time() - 5 * 3600  # past twice MAX_AGE (2 h)
    aged = next(f for f in files if f.name in pending_uploads._load(owner, old.token)["n"])
    os.utime(aged, (five_hours_ago, five_hours_ago))
    assert pending_uploads_sweep() == 1
    assert [f.name for f in pending_files(settings)] == [f.name for f in files if f != aged]
    assert pending_uploads_sweep() == 0
