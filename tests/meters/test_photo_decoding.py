"""Issue #28, 9 (a): a meter photo is decoded only when the rest of the reading is valid and
the resident is within their rate limit; until then only its header is read."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meters.models import Reading
from tests.meters.conftest import jpeg_bytes
from tests.security.test_image_uploads import counting_decodes, never_decoded

pytestmark = pytest.mark.django_db


def post(client, meter, value, read_on, photo):
    token = client.get(reverse("meters:submit", args=[meter.pk])).context["form"].initial["token"]
    data = {"value": value, "read_on": read_on.isoformat(), "token": str(token), "photo": photo}
    return client.post(reverse("meters:submit", args=[meter.pk]), data)


def photo():
    return SimpleUploadedFile("licznik.jpg", jpeg_bytes(size=(800, 600)), "image/jpeg")


def test_a_bad_reading_value_does_not_decode_its_photo(owner_client, meter, window, today):
    with counting_decodes() as decodes:
        response = post(owner_client, meter, "12a,5", today, photo())
    assert decodes.call_count == 0
    assert response.status_code == 200
    assert response.context["form"].errors["value"] == [
        "Wpisz odczyt jako liczbę w m³, np. 123,456."
    ]
    assert not Reading.objects.exists()


def test_a_resident_over_the_reading_limit_is_refused_before_the_photo_is_decoded(
    owner_client, meter, window, today, settings
):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reading_submit": "1/h/user"}
    assert post(owner_client, meter, "10", today, photo()).status_code == 302
    with never_decoded():
        response = post(owner_client, meter, "11", today, photo())
    assert response.status_code == 429
    assert response.context["form"].non_field_errors()
    assert Reading.objects.count() == 1


def test_a_valid_reading_decodes_and_stores_its_photo(owner_client, meter, window, today):
    with counting_decodes() as decodes:
        response = post(owner_client, meter, "10", today, photo())
    assert response.status_code == 302
    assert decodes.called  # the counter sees the decoding a valid reading needs
    assert Reading.objects.get().photo
