import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from faults import services
from tests.factories import StaffFactory
from tests.faults.factories import jpeg_bytes


@pytest.fixture
def clerk(db):
    return StaffFactory(username="bok1", first_name="Ewa", last_name="Mazur", groups=["BOK"])


def upload(content=None, name="awaria.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, jpeg_bytes() if content is None else content, content_type)


def report_of(user, account=None, **kwargs):
    """A report made through the service, as a resident would."""
    values = {
        "place": "premises",
        "category": "water",
        "title": "Cieknie kaloryfer",
        "description": "Pod oknem w pokoju kapie woda z zaworu.",
        "contact_phone": "600123456",
    }
    values.update(kwargs)
    account = account or user.account_accesses.first().account
    return services.fault_report(user=user, account=account, **values)
