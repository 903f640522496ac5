"""A fault report's notices read in the resident's language (core.stored_text)."""

import pytest
from django.utils import translation

from faults.models import Status
from faults.services import fault_status_change
from messaging.models import Notification
from tests.faults.conftest import report_of

pytestmark = pytest.mark.django_db


def test_a_status_notice_reads_in_english_and_is_stored_in_polish(owner, clerk):
    report = report_of(owner)
    fault_status_change(
        report=report, new_status=Status.ACCEPTED, clerk=clerk, comment="Jutro o 8:00"
    )
    notification = Notification.objects.get(user=owner)
    assert notification.subject == f"Zgłoszenie awarii nr {report.pk}: przyjęte"
    with translation.override("en"):
        assert notification.subject_text == f"Fault report #{report.pk}: accepted"
        assert notification.body_text == (
            "The status of your fault report “Cieknie kaloryfer” changed from new to accepted."
            "\n\nComment from the office: Jutro o 8:00"
        )
