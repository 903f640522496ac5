"""BOK records a fault a resident reports by phone or at the office: the report is the
resident's own (their list shows it), with the channel and the clerk stored."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from faults.models import FaultReport
from messaging.models import Notification

pytestmark = pytest.mark.django_db

FORM = {
    "channel": "phone",
    "place": "premises",
    "category": "water",
    "title": "Cieknie pion w łazience",
    "description": "Mieszkanka dzwoniła: woda kapie z sufitu.",
    "contact_phone": "600 123 456",
}


@pytest.fixture
def staff_client(client, clerk):
    client.force_login(clerk)
    return client


def add_url(account):
    return reverse("admin:faults_faultreport_add") + f"?account={account.number}"


def test_clerk_records_a_phone_report_the_resident_sees_it(
    staff_client, clerk, owner, account, client
):
    page = staff_client.get(add_url(account)).content.decode()
    assert "Telefonicznie" in page or "telefonicznie" in page
    response = staff_client.post(add_url(account), {**FORM, "resident": owner.pk})
    report = FaultReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:faults_faultreport_handle", args=[report.pk])
    event = AuditEvent.objects.get(action="add", object_id=str(report.pk))
    assert (event.actor, event.resident) == (clerk, owner)
    assert (report.reporter, report.account, report.channel, report.recorded_by) == (
        owner, account, "phone", clerk
    )
    assert report.contact_phone == "600123456"
    assert report.premises == account.premises
    assert report.events.get().author == clerk
    assert Notification.objects.get(user=owner).link == reverse(
        "faults:detail", args=[report.pk]
    )
    changelist = staff_client.get(reverse("admin:faults_faultreport_changelist")).content
    assert "telefonicznie" in changelist.decode()

    client.force_login(owner)
    mine = client.get(reverse("faults:index")).content.decode()
    assert "Cieknie pion w łazience" in mine
    assert client.get(reverse("faults:detail", args=[report.pk])).status_code == 200


def test_a_stranger_does_not_see_it(staff_client, owner, account, stranger, client):
    staff_client.post(add_url(account), {**FORM, "resident": owner.pk, "channel": "office"})
    report = FaultReport.objects.get()
    assert report.channel == "office"
    client.force_login(stranger)
    assert "Cieknie pion" not in client.get(reverse("faults:index")).content.decode()
    assert client.get(reverse("faults:detail", args=[report.pk])).status_code == 404


def test_bad_input_polish_messages_nothing_stored(staff_client, owner, account, stranger):
    response = staff_client.post(
        add_url(account), {**FORM, "resident": stranger.pk, "channel": "", "title": ""}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Wybierz poprawną wartość" in errors["resident"][0]  # not one of the account's people
    assert errors["channel"] == ["To pole jest wymagane."]
    assert errors["title"] == ["To pole jest wymagane."]
    assert not FaultReport.objects.exists()
    assert not Notification.objects.exists()


def test_unknown_account_number_is_explained(staff_client):
    url = reverse("admin:faults_faultreport_add") + "?account=0000000"
    page = staff_client.get(url).content.decode()
    assert "Nie ma aktywnego konta o tym numerze." in page


def test_account_page_links_to_the_clerk_tools(staff_client, account):
    page = staff_client.get(
        reverse("admin:accounts_account_change", args=[account.pk])
    ).content.decode()
    assert add_url(account).replace("?", "?") in page
    assert reverse("admin:messaging_thread_add") + f"?account={account.number}" in page
