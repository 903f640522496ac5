"""The workflow: allowed and refused transitions, the reasons a rejection needs, and what the
resident may do with a resolved report."""

import pytest
from django.db import IntegrityError, transaction

from faults import services
from faults.models import FaultEvent, FaultReport, Status
from messaging.models import Notification
from tests.faults.conftest import report_of

pytestmark = pytest.mark.django_db

ALL = list(Status)
ALLOWED = {
    (Status.NEW, Status.ACCEPTED),
    (Status.NEW, Status.REJECTED),
    (Status.ACCEPTED, Status.IN_PROGRESS),
    (Status.ACCEPTED, Status.RESOLVED),
    (Status.ACCEPTED, Status.REJECTED),
    (Status.IN_PROGRESS, Status.RESOLVED),
    (Status.IN_PROGRESS, Status.ACCEPTED),
    (Status.RESOLVED, Status.IN_PROGRESS),
    (Status.REJECTED, Status.ACCEPTED),
}


def at(report, status):
    FaultReport.objects.filter(pk=report.pk).update(
        status=status, reject_reason="duplikat" if status == Status.REJECTED else ""
    )
    report.refresh_from_db()
    return report


def test_the_transition_table_is_the_one_we_mean():
    table = {(old, new) for old, news in services.TRANSITIONS.items() for new in news}
    assert table == ALLOWED


@pytest.mark.parametrize(("old", "new"), sorted(ALLOWED))
def test_allowed_transition_is_stored_with_an_event(owner, clerk, old, new):
    report = at(report_of(owner), old)
    services.fault_status_change(report=report, new_status=new, clerk=clerk, comment="Powód")
    report.refresh_from_db()
    assert report.status == new
    event = report.events.get(kind=FaultEvent.Kind.STATUS)
    assert (event.old_status, event.new_status, event.author, event.public) == (
        old,
        new,
        clerk,
        True,
    )


@pytest.mark.parametrize(
    ("old", "new"), [(o, n) for o in ALL for n in ALL if (o, n) not in ALLOWED], ids=str
)
def test_refused_transition_changes_nothing(owner, clerk, old, new):
    report = at(report_of(owner), old)
    events, notes = report.events.count(), Notification.objects.count()
    with pytest.raises(services.FaultRejected):
        services.fault_status_change(report=report, new_status=new, clerk=clerk, comment="x")
    report.refresh_from_db()
    assert report.status == old
    assert report.events.count() == events
    assert Notification.objects.count() == notes


def test_unknown_status_is_refused(owner, clerk):
    report = report_of(owner)
    with pytest.raises(services.FaultRejected):
        services.fault_status_change(report=report, new_status="closed", clerk=clerk)


def test_rejection_needs_a_reason(owner, clerk):
    report = report_of(owner)
    with pytest.raises(services.FaultRejected) as refused:
        services.fault_status_change(report=report, new_status="rejected", clerk=clerk)
    assert refused.value.field == "comment"
    report.refresh_from_db()
    assert report.status == Status.NEW
    services.fault_status_change(
        report=report, new_status="rejected", clerk=clerk, comment="To usterka lokatora."
    )
    report.refresh_from_db()
    assert report.reject_reason == "To usterka lokatora."


def test_database_refuses_a_rejection_without_reason(owner):
    report = report_of(owner)
    with pytest.raises(IntegrityError), transaction.atomic():
        FaultReport.objects.filter(pk=report.pk).update(status="rejected", reject_reason="")


def test_database_refuses_premises_on_a_common_part_report(owner):
    report = report_of(owner)
    with pytest.raises(IntegrityError), transaction.atomic():
        FaultReport.objects.filter(pk=report.pk).update(place="roof")


def test_events_are_append_only(owner):
    event = report_of(owner).events.get()
    event.text = "changed"
    with pytest.raises(ValueError, match="never changed"):
        event.save()


def test_leaving_rejected_clears_the_reason(owner, clerk):
    report = at(report_of(owner), Status.REJECTED)
    services.fault_status_change(report=report, new_status="accepted", clerk=clerk)
    report.refresh_from_db()
    assert report.reject_reason == ""


def test_resident_confirms_a_resolved_report_once(owner, clerk):
    report = at(report_of(owner), Status.RESOLVED)
    services.fault_confirm(user=owner, report=report)
    report.refresh_from_db()
    assert report.confirmed_at is not None
    assert report.events.filter(kind="confirmed", public=True).count() == 1
    with pytest.raises(services.FaultRejected):
        services.fault_confirm(user=owner, report=report)
    with pytest.raises(services.FaultRejected):
        services.fault_reopen(user=owner, report=report, reason="Znowu cieknie")


def test_resident_reopens_a_resolved_report(owner):
    report = at(report_of(owner), Status.RESOLVED)
    with pytest.raises(services.FaultRejected):
        services.fault_reopen(user=owner, report=report, reason="  ")
    services.fault_reopen(user=owner, report=report, reason="Znowu cieknie")
    report.refresh_from_db()
    assert report.status == Status.ACCEPTED
    event = report.events.get(kind="reopened")
    assert (event.old_status, event.new_status, event.text) == (
        "resolved",
        "accepted",
        "Znowu cieknie",
    )


@pytest.mark.parametrize("status", [Status.NEW, Status.ACCEPTED, Status.IN_PROGRESS])
def test_open_report_cannot_be_confirmed_or_reopened(owner, status):
    report = at(report_of(owner), status)
    with pytest.raises(services.FaultRejected):
        services.fault_confirm(user=owner, report=report)
    with pytest.raises(services.FaultRejected):
        services.fault_reopen(user=owner, report=report, reason="x")


@pytest.mark.parametrize("status", [Status.RESOLVED, Status.REJECTED])
def test_comments_only_while_open(owner, status):
    report = at(report_of(owner), status)
    with pytest.raises(services.FaultRejected):
        services.fault_resident_comment(user=owner, report=report, text="Halo?")
    assert not report.events.filter(kind="resident_comment").exists()


def test_staff_moving_a_confirmed_report_back_clears_the_confirmation(owner, clerk):
    report = at(report_of(owner), Status.RESOLVED)
    services.fault_confirm(user=owner, report=report)
    services.fault_status_change(report=report, new_status="in_progress", clerk=clerk)
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS
    assert report.confirmed_at is None
