import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image

from tests.meters.factories import MeterFactory, WindowFactory


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def window(db, today):
    return WindowFactory(
        starts_on=today - datetime.timedelta(days=5), ends_on=today + datetime.timedelta(days=5)
    )


@pytest.fixture
def meter(account):
    return MeterFactory(premises=account.premises, serial_number="ZW-1001")


def jpeg_bytes(size=(64, 48), exif=None, fmt="JPEG"):
    image = Image.new("RGB", size, (30, 120, 200))
    out = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def gps_exif():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (49.0, 45.0, 0.0), 3: "E", 4: (18.0, 38.0, 0.0)}  # GPS
    return exif
