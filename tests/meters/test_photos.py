"""Photos: real images only, capped, re-encoded to JPEG without EXIF."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from meters.photos import PhotoRejected, clean_photo
from tests.meters.conftest import gps_exif, jpeg_bytes


def upload(content, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_jpeg_is_reencoded_without_exif():
    original = jpeg_bytes(exif=gps_exif())
    assert Image.open(io.BytesIO(original)).getexif()  # the phone's photo has a location
    cleaned = clean_photo(upload(original)).read()
    image = Image.open(io.BytesIO(cleaned))
    assert image.format == "JPEG"
    assert image.size == (64, 48)
    assert not image.getexif()
    assert "exif" not in image.info


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "HEIF"])
def test_png_webp_and_heic_become_jpeg(fmt):
    cleaned = clean_photo(upload(jpeg_bytes(fmt=fmt), name=f"x.{fmt.lower()}")).read()
    assert Image.open(io.BytesIO(cleaned)).format == "JPEG"


@pytest.mark.parametrize(
    "content",
    [
        b"<script>alert(1)</script>",
        b"\xff\xd8\xff\xe0<?php system($_GET['c']); ?>",  # a JPEG header, then a script
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",  # a real format, but not one we take
        b"%PDF-1.4\n1 0 obj\n",
        b"",
    ],
)
def test_anything_but_a_photo_is_refused(content):
    with pytest.raises(PhotoRejected, match="nie jest zdjęciem JPEG, PNG ani HEIC"):
        clean_photo(upload(content))


def test_truncated_jpeg_is_refused():
    with pytest.raises(PhotoRejected):
        clean_photo(upload(jpeg_bytes(size=(400, 300))[:300]))


def test_more_than_10_mb_is_refused():
    big = upload(jpeg_bytes() + b"\0" * (10 * 1024 * 1024))
    with pytest.raises(PhotoRejected, match="10 MB"):
        clean_photo(big)


def test_too_many_pixels_is_refused(settings):
    # A small file of a huge picture (a decompression bomb in miniature).
    settings.METERS_PHOTO_MAX_PIXELS = 1_000_000
    image = Image.new("L", (2000, 1000))
    out = io.BytesIO()
    image.save(out, "PNG")
    assert len(out.getvalue()) < 100_000
    with pytest.raises(PhotoRejected, match="za dużo pikseli"):
        clean_photo(upload(out.getvalue(), name="bomb.png"))


def test_large_photo_is_scaled_down():
    cleaned = clean_photo(upload(jpeg_bytes(size=(4000, 3000)))).read()
    assert max(Image.open(io.BytesIO(cleaned)).size) == 2560
