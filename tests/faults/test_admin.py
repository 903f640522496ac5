"""Staff handle reports in the admin: the queue's filters and search, the handle page's status
change, comments, notes and assignment (through the services), and photos for staff only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from faults.models import FaultReport
from messaging.models import Notification
from tests.factories import StaffFactory
from tests.faults.conftest import report_of
from tests.faults.test_pages import _clean

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, clerk):
    client.force_login(clerk)
    return client


def handle_url(report):
    return reverse("admin:faults_faultreport_handle", args=[report.pk])


def test_queue_filters_and_search(staff_client, owner):
    old = report_of(owner, title="Stary przeciek")
    FaultReport.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    report_of(owner, title="Czuć gaz", category="gas", place="basement")
    url = reverse("admin:faults_faultreport_changelist")

    def titles(**params):
        response = staff_client.get(url, params)
        assert response.status_code == 200
        return {r.title for r in response.context["cl"].result_list}

    assert titles() == {"Stary przeciek", "Czuć gaz"}
    assert titles(urgent__exact=1) == {"Czuć gaz"}
    assert titles(age="older") == {"Stary przeciek"}
    assert titles(age="day") == {"Czuć gaz"}
    assert titles(status__exact="new", category__exact="water") == {"Stary przeciek"}
    assert titles(building__id__exact=old.building_id) == {"Stary przeciek", "Czuć gaz"}
    assert titles(q="gaz") == {"Czuć gaz"}


def test_status_change_with_reason_notifies_the_resident(staff_client, owner):
    report = report_of(owner)
    response = staff_client.post(
        handle_url(report), {"action": "status", "status-new_status": "rejected"}
    )
    assert response.status_code == 200  # the reason is missing
    assert response.context["status_form"].errors
    report.refresh_from_db()
    assert report.status == "new"
    response = staff_client.post(
        handle_url(report),
        {
            "action": "status",
            "status-new_status": "rejected",
            "status-comment": "Usterka po stronie lokatora.",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.reject_reason) == ("rejected", "Usterka po stronie lokatora.")
    assert Notification.objects.get(user=owner).body.endswith("Usterka po stronie lokatora.")


def test_refused_status_is_not_offered(staff_client, owner):
    report = report_of(owner)
    response = staff_client.post(
        handle_url(report), {"action": "status", "status-new_status": "resolved"}
    )
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.status == "new"


def test_comments_notes_and_assignment(staff_client, owner, clerk):
    report = report_of(owner)
    other = StaffFactory(username="bok2", groups=["BOK"])
    for data in (
        {"action": "public", "public-text": "Prosimy o dostęp w piątek."},
        {"action": "internal", "internal-text": "Lokator trudny w kontakcie."},
        {"action": "assign", "assign-assigned_to": other.pk, "assign-contractor": "Hydro-Serwis"},
    ):
        assert staff_client.post(handle_url(report), data).status_code == 302
    report.refresh_from_db()
    assert report.assigned_to == other
    assert report.contractor == "Hydro-Serwis"
    kinds = list(report.events.values_list("kind", "public"))
    assert ("public_comment", True) in kinds
    assert ("internal_note", False) in kinds
    assert Notification.objects.filter(user=owner).count() == 1
    page = staff_client.get(handle_url(report)).content.decode()
    assert "Lokator trudny w kontakcie." in page  # staff see internal notes


def test_bulk_accept(staff_client, owner):
    reports = [report_of(owner) for _ in range(2)]
    response = staff_client.post(
        reverse("admin:faults_faultreport_changelist"),
        {"action": "accept", "_selected_action": [r.pk for r in reports]},
    )
    assert response.status_code == 302
    assert set(FaultReport.objects.values_list("status", flat=True)) == {"accepted"}
    assert Notification.objects.filter(user=owner).count() == 2


def test_photos_for_staff_only(client, staff_client, owner):
    report = report_of(owner, photos=[_clean()])
    photo_url = reverse("admin:faults_faultphoto_view", args=[report.photos.get().pk])
    response = staff_client.get(photo_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert (
        staff_client.get(reverse("admin:faults_faultreport_change", args=[report.pk])).status_code
        == 200
    )
    client.force_login(owner)  # a resident, not staff
    assert client.get(photo_url).status_code == 302
    staff_without_group = StaffFactory(username="nogroup")
    client.force_login(staff_without_group)
    assert client.get(photo_url).status_code == 403
    assert client.get(handle_url(report)).status_code == 403


def test_bok_group_has_the_permissions(clerk):
    assert clerk.has_perms(
        ["faults.view_faultreport", "faults.change_faultreport", "faults.view_faultevent"]
    )
    assert not clerk.has_perm("faults.delete_faultreport")


def test_only_bok_staff_can_be_assigned(staff_client, owner, clerk):
    """The accountant and a superuser outside BOK are not offered, nor accepted."""
    report = report_of(owner)
    accountant = StaffFactory(username="ksiegowa", groups=["Księgowość"])
    boss = StaffFactory(username="szef", is_superuser=True)
    page = staff_client.get(handle_url(report))
    offered = {user for user in page.context["assign_form"].fields["assigned_to"].queryset}
    assert offered == {clerk}
    for outsider in (accountant, boss):
        response = staff_client.post(
            handle_url(report), {"action": "assign", "assign-assigned_to": outsider.pk}
        )
        assert response.status_code == 200
        assert response.context["assign_form"].errors["assigned_to"]
    report.refresh_from_db()
    assert report.assigned_to is None
