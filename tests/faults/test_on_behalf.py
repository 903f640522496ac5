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


@pytest.fixture
def account_without_login(make_account):
    """Like demo account 1003: nobody may act for it in e-BOK."""
    return make_account()


def test_a_caller_without_login_is_recorded_by_name_and_phone(
    staff_client, clerk, account_without_login
):
    page = staff_client.get(add_url(account_without_login)).content.decode()
    assert "nie ma loginu do e-BOK" in page  # the empty choice says what it means
    response = staff_client.post(
        add_url(account_without_login),
        {**FORM, "caller_name": "Halina Wójcik", "contact_phone": "601 222 333"},
    )
    assert response.status_code == 302
    report = FaultReport.objects.get()
    assert (report.reporter, report.caller_name, report.contact_phone) == (
        None, "Halina Wójcik", "601222333"
    )
    assert (report.account, report.recorded_by, report.channel) == (
        account_without_login, clerk, "phone"
    )
    assert not Notification.objects.exists()  # nobody of the account has a login
    handle = staff_client.get(response["Location"]).content.decode()
    assert "Halina Wójcik" in handle


def test_holders_with_login_see_a_phoned_report_and_are_told(
    staff_client, account, owner, co_holder, client, mailoutbox, eager_tasks,
    django_capture_on_commit_callbacks,
):
    """A neighbour phones about the owners' flat: both holders hear of it, in-app and by
    e-mail, and see it on their fault pages."""
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            add_url(account), {**FORM, "title": "Nie działa domofon", "caller_name": "Sąsiad"}
        )
    assert response.status_code == 302
    report = FaultReport.objects.get()
    told = Notification.objects.filter(link=reverse("faults:detail", args=[report.pk]))
    assert {n.user for n in told} == {owner, co_holder}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([owner.email, co_holder.email])
    body = mailoutbox[0].body
    assert "Przyjęliśmy telefonicznie zgłoszenie „Nie działa domofon”" in body
    assert "Postęp sprawdzisz w e-BOK." in body
    assert "Kto zgłosił: Sąsiad." in body
    for person in (owner, co_holder):
        client.force_login(person)
        page = client.get(reverse("faults:detail", args=[report.pk])).content.decode()
        assert "Sąsiad (telefonicznie)" in page


def test_the_callers_own_login_reads_your_report(
    staff_client, account, owner, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            add_url(account), {**FORM, "title": "Nie działa domofon", "resident": owner.pk}
        )
    (mail,) = mailoutbox
    assert (
        "Przyjęliśmy telefonicznie Twoje zgłoszenie „Nie działa domofon”. "
        "Postęp sprawdzisz w e-BOK."
    ) in mail.body


def test_an_anonymous_call_about_a_common_part_needs_no_account(staff_client, clerk, account):
    building = account.premises.building
    url = reverse("admin:faults_faultreport_add") + f"?building={building.pk}"
    page = staff_client.get(url)
    assert [c[0] for c in page.context["form"].fields["place"].choices] == [
        "staircase", "roof", "lift", "basement", "facade", "yard", "other_common"
    ]
    assert "resident" not in page.context["form"].fields
    response = staff_client.post(
        url, {**FORM, "place": "staircase", "contact_phone": "", "title": "Zbita szyba"}
    )
    assert response.status_code == 302
    report = FaultReport.objects.get()
    assert (report.account, report.building, report.reporter, report.caller_name) == (
        None, building, None, ""
    )
    assert report.contact_phone == ""
    assert not Notification.objects.exists()
    handle = staff_client.get(response["Location"]).content.decode()
    assert "anonimowo" in handle


def test_a_login_and_a_written_name_at_once_are_refused(staff_client, account, owner):
    response = staff_client.post(
        add_url(account), {**FORM, "resident": owner.pk, "caller_name": "Ktoś"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["caller_name"] == [
        "Wybierz osobę z listy albo wpisz imię i nazwisko osoby zgłaszającej – nie jedno i drugie."
    ]
    assert not FaultReport.objects.exists()


def test_an_anonymous_gas_call_reaches_the_duty_inbox(
    staff_client, account, settings, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    settings.FAULTS_DUTY_EMAILS = ["dyzur@example.pl"]
    url = reverse("admin:faults_faultreport_add") + f"?building={account.premises.building_id}"
    data = {**FORM, "place": "basement", "category": "gas", "contact_phone": ""}
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_client.post(url, data).status_code == 302
    (mail,) = mailoutbox
    assert mail.to == ["dyzur@example.pl"]
    assert "Zgłaszający: —" in mail.body
    assert "Telefon kontaktowy: —" in mail.body
