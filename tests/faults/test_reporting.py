"""Reporting: where and what, urgency for emergencies, the duty e-mail (once), and every status
change and public comment told to the reporter exactly once; internal notes never."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from faults import services
from faults.models import FaultReport
from faults.tasks import duty_email_send, duty_emails_sweep
from messaging.models import Notification
from messaging.tasks import notification_email_send
from tests.faults.conftest import report_of

pytestmark = pytest.mark.django_db


def test_report_about_premises(owner, account):
    report = report_of(owner)
    assert report.status == "new"
    assert report.premises == account.premises
    assert report.building == account.premises.building
    assert not report.urgent
    assert report.email_status == ""
    assert list(report.events.values_list("kind", "public")) == [("reported", True)]


def test_report_about_a_common_part_has_no_premises(owner, account):
    report = report_of(owner, place="staircase", title="Nie świeci lampa na klatce")
    assert report.premises is None
    assert report.building == account.premises.building
    assert report.place_display.endswith("klatka schodowa")


def test_someone_elses_account_is_refused(owner, other_account):
    with pytest.raises(services.FaultRejected):
        report_of(owner, account=other_account)
    assert not FaultReport.objects.exists()


@pytest.mark.parametrize(
    "values",
    [
        {"category": "gas"},
        {"emergency_declared": True},
        {"title": "Czuć gaz na klatce"},
        {"description": "Zalało łazienkę, woda leci z sufitu"},
        {"description": "Gniazdko iskrzy"},
    ],
)
def test_emergencies_are_urgent(owner, values):
    assert report_of(owner, **values).urgent


def test_urgent_report_emails_the_staff_on_duty_once(
    owner, settings, django_capture_on_commit_callbacks
):
    settings.FAULTS_DUTY_EMAILS = ["dyzur@zbm.example.pl", "kierownik@zbm.example.pl"]
    with django_capture_on_commit_callbacks() as callbacks:
        report = report_of(owner, category="gas", title="Zapach gazu w piwnicy", place="basement")
        assert mail.outbox == []
    assert len(callbacks) == 1
    assert report.email_status == "pending"
    assert duty_email_send(report.pk) == "sent"
    assert duty_email_send(report.pk) == "skipped"  # the task run twice
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dyzur@zbm.example.pl", "kierownik@zbm.example.pl"]
    assert "Zapach gazu w piwnicy" in message.subject
    assert "600123456" in message.body
    assert f"/admin/faults/faultreport/{report.pk}/handle/" in message.body
    report.refresh_from_db()
    assert report.email_status == "sent"
    assert report.email_sent_at


def test_ordinary_report_sends_no_duty_email(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        report_of(owner)
    assert callbacks == []


def test_sweeper_nudges_a_duty_email_that_waited(
    owner, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        report = report_of(owner, emergency_declared=True)
    FaultReport.objects.filter(pk=report.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    sent = []
    monkeypatch.setattr(duty_email_send, "delay", sent.append)
    assert duty_emails_sweep() == 1
    assert sent == [report.pk]


def send_mail_of(notifications):
    # What the worker does after commit; called here so the test needs no broker.
    for n in notifications:
        notification_email_send(n.pk)


def test_every_status_change_notifies_the_reporter_once(
    owner, co_holder, clerk, django_capture_on_commit_callbacks
):
    report = report_of(owner)
    steps = [("accepted", ""), ("in_progress", "Hydraulik przyjdzie jutro"), ("resolved", "")]
    for status, comment in steps:
        with django_capture_on_commit_callbacks() as callbacks:
            services.fault_status_change(
                report=report, new_status=status, clerk=clerk, comment=comment
            )
        assert len(callbacks) == 1  # one e-mail enqueued per change, after commit
    notifications = list(Notification.objects.order_by("pk"))
    assert [n.user for n in notifications] == [owner, owner, owner]
    assert all(n.link == f"/awarie/{report.pk}/" for n in notifications)
    assert "Hydraulik przyjdzie jutro" in notifications[1].body
    send_mail_of(notifications)
    send_mail_of(notifications)  # each task run twice
    assert len(mail.outbox) == 3
    assert {m.to[0] for m in mail.outbox} == {owner.email}


def test_public_comment_notifies_internal_note_does_not(
    owner, clerk, django_capture_on_commit_callbacks
):
    report = report_of(owner)
    with django_capture_on_commit_callbacks() as callbacks:
        services.fault_comment_internal(
            report=report, clerk=clerk, text="Lokator nie wpuścił ekipy — NOTATKA WEWNĘTRZNA"
        )
    assert callbacks == []
    with django_capture_on_commit_callbacks() as callbacks:
        services.fault_comment_public(report=report, clerk=clerk, text="Prosimy o dostęp w piątek.")
    assert len(callbacks) == 1
    (notification,) = Notification.objects.all()
    send_mail_of([notification])
    assert "Prosimy o dostęp w piątek." in notification.body
    assert len(mail.outbox) == 1
    assert "NOTATKA" not in mail.outbox[0].body
    assert "NOTATKA" not in notification.body + notification.subject
    note = report.events.get(kind="internal_note")
    assert note.public is False


def test_failed_refused_change_sends_nothing(owner, clerk, django_capture_on_commit_callbacks):
    report = report_of(owner)
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(services.FaultRejected):
            services.fault_status_change(report=report, new_status="resolved", clerk=clerk)
    assert callbacks == []
    assert not Notification.objects.exists()


def test_assignment_is_internal(owner, clerk):
    report = report_of(owner)
    services.fault_assign(report=report, clerk=clerk, assigned_to=clerk, contractor="Hydro-Serwis")
    report.refresh_from_db()
    assert report.assigned_to == clerk
    assert report.contractor == "Hydro-Serwis"
    assert report.events.get(kind="assigned").public is False
    assert not Notification.objects.exists()
    with pytest.raises(services.FaultRejected):
        services.fault_assign(report=report, clerk=clerk, assigned_to=owner)
