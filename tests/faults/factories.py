import io

import factory
from django.core.files.base import ContentFile
from PIL import Image

from faults.models import Category, FaultPhoto, FaultReport, Place
from tests.factories import UserFactory


def jpeg_bytes(size=(64, 48), fmt="JPEG", exif=None):
    image = Image.new("RGB", size, (200, 80, 40))
    out = io.BytesIO()
    image.save(out, fmt, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def _account(report):
    return report.reporter.account_accesses.first().account


class ReportFactory(factory.django.DjangoModelFactory):
    """A stored report about the reporter's (first) premises; new reports in tests go through
    the services."""

    class Meta:
        model = FaultReport

    reporter = factory.SubFactory(UserFactory)
    account = factory.LazyAttribute(_account)
    building = factory.LazyAttribute(lambda r: r.account.premises.building)
    place = Place.PREMISES
    premises = factory.LazyAttribute(
        lambda r: r.account.premises if r.place == Place.PREMISES else None
    )
    category = Category.WATER
    title = "Cieknie kran w kuchni"
    description = "Od wczoraj kapie z baterii."
    contact_phone = "600123456"


class PhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FaultPhoto

    report = factory.SubFactory(ReportFactory)
    uploaded_by = factory.LazyAttribute(lambda p: p.report.reporter)
    image = factory.LazyFunction(lambda: ContentFile(jpeg_bytes(), name="photo.jpg"))
