"""Finding 4 of the security audit: eight parallel fault reports, each with five 6,300 × 6,300
PNGs of 38 KB, held every gunicorn worker for ~23 s. Now the header alone refuses such a file
(too many pixels, and far too few bytes for them), big JPEGs decode at a reduced scale, and a
truncated file is refused even after WeasyPrint told Pillow to accept truncated images."""

import io
import os
import time
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext
from PIL import Image, ImageFile, PngImagePlugin

from core.uploads import PhotoRejected, clean_photo
from faults.models import FaultPhoto, FaultReport
from messaging.models import ThreadMessage

pytestmark = pytest.mark.django_db

MB = 2**20


@pytest.fixture(scope="module")
def bomb_png():
    """6,300 × 6,300 = 39.7 Mpx of one colour: about 38 KB on disk."""
    out = io.BytesIO()
    Image.new("L", (6300, 6300), 200).save(out, "PNG", optimize=True)
    return out.getvalue()


@pytest.fixture(scope="module")
def phone_jpeg():
    """A 12 Mpx photo as a phone takes it (noise, so it is not tiny), with EXIF."""
    image = Image.effect_noise((4000, 3000), 40).convert("RGB")
    exif = Image.Exif()
    exif[0x010F] = "Telefon"  # Make
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88, exif=exif)
    return out.getvalue()


def as_upload(content, name="zdjecie.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type)


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def fault_form(account, photos):
    return {
        "account": account.pk,
        "place": "premises",
        "category": "water",
        "title": "Zalany sufit",
        "description": "Woda kapie z sufitu w łazience.",
        "contact_phone": "600 123 456",
        "photos": photos,
    }


def test_five_39_megapixel_pngs_are_refused_within_a_second_of_cpu(
    owner_client, account, bomb_png, settings
):
    assert len(bomb_png) < 60_000  # the attack's 38 KB files
    photos = [as_upload(bomb_png, f"{i}.png") for i in range(5)]
    started = time.process_time()
    response = owner_client.post(reverse("faults:new"), fault_form(account, photos))
    spent = time.process_time() - started
    assert spent < 1.0, f"the request held {spent:.2f} s of CPU"
    assert response.status_code == 200
    assert response.context["form"].errors["photos"]
    assert not FaultReport.objects.exists()
    assert not FaultPhoto.objects.exists()
    assert stored_files(settings) == []


def test_few_bytes_for_many_pixels_is_refused_even_under_the_pixel_cap(bomb_png):
    # 3,000 × 3,000 = 9 Mpx (under 16) of one colour: ~27 KB, 0.003 bytes a pixel.
    out = io.BytesIO()
    Image.new("RGB", (3000, 3000), (10, 10, 10)).save(out, "PNG", optimize=True)
    data = out.getvalue()
    assert len(data) / 9_000_000 < 0.004
    started = time.process_time()
    with pytest.raises(PhotoRejected):
        clean_photo(as_upload(data), max_bytes=10 * MB, max_pixels=16_000_000)
    assert time.process_time() - started < 0.2  # decided from the header, nothing decoded


def test_the_default_pixel_cap_is_16_megapixels(settings):
    assert settings.FAULTS_PHOTO_MAX_PIXELS == settings.METERS_PHOTO_MAX_PIXELS == 16_000_000
    noisy = Image.effect_noise((4100, 4000), 50).convert("RGB")  # 16.4 Mpx
    out = io.BytesIO()
    noisy.save(out, "JPEG", quality=70)
    with pytest.raises(PhotoRejected, match="16"):
        clean_photo(as_upload(out.getvalue(), "a.jpg"), max_bytes=20 * MB, max_pixels=16_000_000)


def test_a_phone_photo_is_still_accepted_and_re_encoded(owner_client, account, phone_jpeg):
    started = time.process_time()
    response = owner_client.post(
        reverse("faults:new"),
        fault_form(account, [as_upload(phone_jpeg, "IMG_1234.jpg", "image/jpeg")]),
    )
    assert time.process_time() - started < 1.5
    assert response.status_code == 302
    photo = FaultPhoto.objects.get()
    with photo.image.open("rb") as f:
        stored = Image.open(io.BytesIO(f.read()))
        assert stored.format == "JPEG"
        assert max(stored.size) == 2560
        assert stored.size == (2560, 1920)
        assert not stored.getexif()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_truncated_image_is_refused_even_when_pillow_was_told_to_accept_it(fmt, monkeypatch):
    image = Image.effect_noise((800, 600), 40).convert("RGB")
    out = io.BytesIO()
    image.save(out, fmt)
    cut = out.getvalue()[: len(out.getvalue()) * 2 // 3]
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # as WeasyPrint sets it
    with pytest.raises(PhotoRejected):
        clean_photo(as_upload(cut, "a." + fmt.lower()), max_bytes=10 * MB, max_pixels=16_000_000)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # WeasyPrint's setting is left as it was


def test_a_message_attachment_bomb_is_refused(owner_client, account, bomb_png):
    started = time.process_time()
    response = owner_client.post(
        reverse("messaging:thread_new"),
        {
            "account": account.pk,
            "topic": "payments",
            "subject": "Zdjęcie",
            "text": "W załączniku.",
            "attachment": as_upload(bomb_png),
        },
    )
    assert time.process_time() - started < 1.0
    assert response.status_code == 200
    assert response.context["form"].errors["attachment"]
    assert not ThreadMessage.objects.exists()


def test_a_flat_png_padded_with_text_is_refused_without_decoding():
    """Issue #28, 9 (a): 4000 × 4000 flat pixels, padded with a random tEXt chunk to 64 KB, cost
    seconds and hundreds of MB to decode. 16 000 000 px need 16 000 000 × 0.004 = 64 000 bytes
    of pixel data; the flat image's IDAT holds far less, whatever the padding."""
    info = PngImagePlugin.PngInfo()
    info.add_text("pad", os.urandom(48_000).hex()[:64_000])
    out = io.BytesIO()
    Image.new("RGB", (4000, 4000), "white").save(out, "PNG", pnginfo=info)
    data = out.getvalue()
    assert len(data) >= 64_000  # the old bytes-per-pixel check let it through
    upload = SimpleUploadedFile("flat.png", data, content_type="image/png")
    started = time.process_time()
    with (
        mock.patch.object(Image.Image, "load", side_effect=AssertionError("decoded")),
        mock.patch("PIL.ImageFile.ImageFile.load", side_effect=AssertionError("decoded")),
        pytest.raises(PhotoRejected) as refused,
    ):
        clean_photo(upload, max_bytes=10 * 2**20, max_pixels=16_000_000)
    assert str(refused.value) == gettext("The file is not a JPEG, PNG or HEIC photo.")
    assert time.process_time() - started < 0.5


# Issue #28, 9 (a), the rest: the decoding work of one request and of one user is bounded
# before anything is decoded. Pixels per request: REQUEST_MAX_PIXELS = 4 × 16 Mpx = 64 Mpx.


@pytest.fixture(scope="module")
def detailed_16mpx_png():
    """4,000 × 4,000 = 16 Mpx, the per-photo cap, with a patch of noise so that its pixel data
    (~540 KB) is well over 16,000,000 × 0.004 = 64,000 bytes: every header check passes."""
    image = Image.new("RGB", (4000, 4000), "white")
    image.paste(Image.effect_noise((400, 400), 60).convert("RGB"))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def never_decoded():
    return mock.patch.object(ImageFile.ImageFile, "load", side_effect=AssertionError("decoded"))


def counting_decodes():
    """Pillow's decoding (load) patched to count its calls; each photo decodes once."""
    return mock.patch.object(
        ImageFile.ImageFile, "load", autospec=True, side_effect=ImageFile.ImageFile.load
    )


def test_photos_over_the_pixel_budget_of_a_request_are_refused_undecoded(
    owner_client, account, detailed_16mpx_png, settings
):
    # 5 × 16,000,000 = 80,000,000 px > 64,000,000: each photo alone is within its cap.
    photos = [as_upload(detailed_16mpx_png, f"{i}.png") for i in range(5)]
    with never_decoded():
        response = owner_client.post(reverse("faults:new"), fault_form(account, photos))
    assert response.status_code == 200
    assert response.context["form"].errors["photos"] == [
        "Zdjęcia mają razem za dużo pikseli: maksymalnie 64 Mpx naraz. "
        "Wyślij mniej zdjęć albo mniejsze."
    ]
    assert "Zdjęcia mają razem za dużo pikseli" in response.content.decode()
    assert not FaultReport.objects.exists()
    assert stored_files(settings) == []


def test_five_phone_photos_fit_the_pixel_budget(owner_client, account, phone_jpeg):
    # 5 × 4,000 × 3,000 = 60,000,000 px ≤ 64,000,000: the most a report takes, from a phone.
    photos = [as_upload(phone_jpeg, f"IMG_{i}.jpg", "image/jpeg") for i in range(5)]
    response = owner_client.post(reverse("faults:new"), fault_form(account, photos))
    assert response.status_code == 302
    assert FaultPhoto.objects.count() == 5


def test_a_resident_over_the_report_limit_is_refused_before_photos_are_decoded(
    owner_client, account, phone_jpeg, settings
):
    for i in range(5):  # fault_report: 5 an hour
        data = fault_form(account, [])
        data["title"] = f"Zalany sufit {i}"
        assert owner_client.post(reverse("faults:new"), data).status_code == 302
    photos = [as_upload(phone_jpeg, f"IMG_{i}.jpg", "image/jpeg") for i in range(5)]
    with never_decoded():
        response = owner_client.post(reverse("faults:new"), fault_form(account, photos))
    assert response.status_code == 429
    assert response.context["form"].non_field_errors()
    assert FaultReport.objects.count() == 5
    assert not FaultPhoto.objects.exists()


def test_a_comment_over_the_limit_is_refused_before_its_photo_is_decoded(
    owner_client, account, phone_jpeg, settings
):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "fault_comment": "1/h/user"}
    owner_client.post(reverse("faults:new"), fault_form(account, []))
    report = FaultReport.objects.get()
    url = reverse("faults:detail", args=[report.pk])
    owner_client.post(url, {"action": "comment", "text": "Nadal kapie."})
    with never_decoded():
        response = owner_client.post(
            url,
            {"action": "comment", "photo": as_upload(phone_jpeg, "IMG_1.jpg", "image/jpeg")},
        )
    assert response.status_code == 200
    assert response.context["comment_form"].non_field_errors()
    assert not FaultPhoto.objects.exists()


def test_a_report_with_an_empty_description_does_not_decode_its_photos(
    owner_client, account, phone_jpeg, settings
):
    data = fault_form(account, [as_upload(phone_jpeg, "IMG_1.jpg", "image/jpeg")])
    data["description"] = ""
    with counting_decodes() as decodes:
        response = owner_client.post(reverse("faults:new"), data)
    assert decodes.call_count == 0
    assert response.status_code == 200
    assert response.context["form"].errors["description"]
    assert not FaultReport.objects.exists()
    # The photo waits undecoded as the resident's kept upload (#31), not as a fault's photo.
    assert [path.parent.name for path in stored_files(settings)] == ["pending"]


def test_a_photo_broken_past_its_header_is_refused_next_to_the_field(
    owner_client, account, phone_jpeg
):
    broken = phone_jpeg[: len(phone_jpeg) // 2]  # the header is whole, the pixels are not
    response = owner_client.post(
        reverse("faults:new"),
        fault_form(account, [as_upload(broken, "IMG_1.jpg", "image/jpeg")]),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["photos"] == [
        "IMG_1.jpg: " + gettext("The file is not a JPEG, PNG or HEIC photo.")
    ]
    assert not FaultReport.objects.exists()
