"""Every write to fault reports: residents report, comment, add photos, confirm or reopen; staff
change the status, comment publicly, note internally and assign. Each action is one transaction
with its timeline entry; the reporter hears of every status change and public comment through
messaging.notify, and an urgent report goes to the staff on duty by e-mail after commit."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.queries import accounts_for_user, bok_staff, people_of
from audit.services import Action, audit_clerk
from core.enqueue import enqueue_on_commit
from core.stored_text import StoredText, lazy_key
from core.text import has_control_characters
from messaging import Kind, notify

from . import emergency
from .models import (
    OPEN_STATUSES,
    Category,
    Channel,
    FaultEvent,
    FaultPhoto,
    FaultReport,
    Place,
    Status,
)
from .queries import report_by_token

# Who may move a report where. Residents do not change statuses; they reopen a resolved report
# (back to accepted) through fault_reopen.
TRANSITIONS = {
    Status.NEW: {Status.ACCEPTED, Status.REJECTED},
    Status.ACCEPTED: {Status.IN_PROGRESS, Status.RESOLVED, Status.REJECTED},
    Status.IN_PROGRESS: {Status.RESOLVED, Status.ACCEPTED},
    Status.RESOLVED: {Status.IN_PROGRESS},
    Status.REJECTED: {Status.ACCEPTED},
}


class FaultRejected(Exception):
    """An action that cannot be done; `field` says which form field the message belongs to."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


def allowed_statuses(report):
    return sorted(TRANSITIONS[Status(report.status)], key=list(Status).index)


def _link(report):
    return reverse("faults:detail", args=[report.pk])


def _event(report, kind, author, **values) -> FaultEvent:
    return FaultEvent.objects.create(report=report, kind=kind, author=author, **values)


def _touch(report, *fields):
    report.updated_at = timezone.now()
    report.save(update_fields=[*fields, "updated_at"])


def _locked(report) -> FaultReport:
    return FaultReport.objects.select_for_update().get(pk=report.pk)


def _store_photos(report, photos, user, field="photos"):
    """Photos already cleaned (core.uploads.clean_photo); the cap counts what is stored."""
    stored = report.photos.count()
    if stored + len(photos) > settings.FAULTS_MAX_PHOTOS:
        raise FaultRejected(
            _("A report can have at most %(max)d photos; it has %(stored)d.")
            % {"max": settings.FAULTS_MAX_PHOTOS, "stored": stored},
            field=field,
        )
    saved = []
    for content in photos:
        photo = FaultPhoto(report=report, uploaded_by=user)
        photo.image.save("photo.jpg", content, save=False)
        photo.save()
        saved.append(photo)
    return saved


def _report_checked(place, category, title, description, declared_urgent) -> bool:
    """Checks a new report (made by a resident or recorded by a clerk) and says whether it is
    urgent: declared so, gas, or its words sound like an emergency."""
    if place not in Place.values:
        raise FaultRejected(_("Choose where the fault is."), field="place")
    if category not in Category.values:
        raise FaultRejected(_("Choose a category."), field="category")
    if has_control_characters(title):
        raise FaultRejected(_("Write it on one line, without line breaks or tabs."), field="title")
    if not title.strip() or not description.strip():
        raise FaultRejected(_("Give a title and a description."), field="description")
    return bool(
        declared_urgent
        or category == Category.GAS
        or emergency.sounds_like_emergency(f"{title} {description}")
    )


def _may_act_for(user, account) -> bool:
    return bool(accounts_for_user(user).filter(pk=account.pk).exists())


# -- residents ----------------------------------------------------------------------------------


def fault_report(
    *,
    user,
    account,
    place: str,
    category: str,
    title: str,
    description: str,
    contact_phone: str,
    emergency_declared: bool = False,
    photos=(),
    idempotency_key=None,
) -> FaultReport:
    """A resident's new report. `photos` are cleaned images; `contact_phone` is 9 digits. A
    second submit of the same form (`idempotency_key`) returns the first report."""
    done = report_by_token(user, idempotency_key)
    if done is not None:
        return done
    if not _may_act_for(user, account):
        raise FaultRejected(_("Choose one of your own accounts."), field="account")
    urgent = _report_checked(place, category, title, description, emergency_declared)
    report = FaultReport(
        idempotency_key=idempotency_key,
        reporter=user,
        account=account,
        building=account.premises.building,
        place=place,
        category=category,
        title=title,
        description=description,
        contact_phone=contact_phone,
        urgent=urgent,
    )
    try:
        return _report_store(report, photos, user)
    except IntegrityError:
        done = report_by_token(user, idempotency_key)  # the other submit won the race
        if done is None:
            raise
        return done


def _report_store(report: FaultReport, photos, author, clerk=None) -> FaultReport:
    """Stores a new, checked report with its first event and photos; a clerk's is audited and
    the account's people are told."""
    report.premises = (
        report.account.premises if report.account and report.place == Place.PREMISES else None
    )
    report.title = report.title.strip()
    report.description = report.description.strip()
    report.email_status = (
        FaultReport.EmailStatus.PENDING
        if report.urgent and settings.FAULTS_DUTY_EMAILS
        else FaultReport.EmailStatus.NOT_APPLICABLE
    )
    with transaction.atomic(durable=True):
        report.full_clean(exclude=["idempotency_key"])  # a double submit: see fault_report
        report.save()
        _event(report, FaultEvent.Kind.REPORTED, clerk or author, new_status=Status.NEW)
        if clerk is not None:
            audit_clerk(
                clerk,
                action=Action.ADD,
                obj=report,
                new={
                    "channel": report.channel,
                    "reporter": report.reporter_id,
                    "caller_name": report.caller_name,
                    "title": report.title,
                },
            )
            _notify_recorded(report)
        for photo in _store_photos(report, list(photos), author):
            _event(report, FaultEvent.Kind.PHOTO_ADDED, author, photo=photo)
        if report.email_status == FaultReport.EmailStatus.PENDING:
            enqueue_on_commit("faults.duty_email_send", report.pk)
    return report


def _people_to_tell(report) -> list:
    """Who hears of a report's news: its reporter; for a report taken from someone without a
    login, the people who may act for its account now (none for a common part without one)."""
    if report.reporter_id:
        return [report.reporter]
    if report.account_id is None:
        return []
    _account, people = people_of([report.account_id]).get(report.account_id, (None, []))
    return list(people)


# Whole sentences, so that each language can order them its own way.
RECORDED_FOR_CALLER = {
    Channel.PHONE: gettext_noop(
        "We took your fault report “%(title)s” by phone. You can check its progress in e-BOK."
    ),
    Channel.OFFICE: gettext_noop(
        "We took your fault report “%(title)s” at the office. You can check its progress in e-BOK."
    ),
}
RECORDED_FOR_HOLDER = {
    Channel.PHONE: gettext_noop(
        "We took a fault report “%(title)s” about account %(account)s by phone. "
        "You can check its progress in e-BOK."
    ),
    Channel.OFFICE: gettext_noop(
        "We took a fault report “%(title)s” about account %(account)s at the office. "
        "You can check its progress in e-BOK."
    ),
}
RECORDED_FOR_HOLDER_NAMED = {
    Channel.PHONE: gettext_noop(
        "We took a fault report “%(title)s” about account %(account)s by phone. "
        "Reported by: %(name)s. You can check its progress in e-BOK."
    ),
    Channel.OFFICE: gettext_noop(
        "We took a fault report “%(title)s” about account %(account)s at the office. "
        "Reported by: %(name)s. You can check its progress in e-BOK."
    ),
}


def _recorded_body(report, person) -> StoredText:
    params = {
        "title": report.title,
        "account": getattr(report.account, "number", ""),
        "name": report.reported_by_display,
    }
    if person.pk == report.reporter_id:
        keys = RECORDED_FOR_CALLER
    elif report.reported_by_display:
        keys = RECORDED_FOR_HOLDER_NAMED
    else:
        keys = RECORDED_FOR_HOLDER
    return StoredText(keys[Channel(report.channel)], params)


def _notify_recorded(report) -> None:
    for person in _people_to_tell(report):
        notify(
            person,
            StoredText(gettext_noop("New fault report: %(title)s"), {"title": report.title}),
            _recorded_body(report, person),
            link=_link(report),
            kind=Kind.FAULTS,
        )


# -- staff ---------------------------------------------------------------------------------------


def fault_record_for_caller(
    *,
    clerk,
    channel: str,
    place: str,
    category: str,
    title: str,
    description: str,
    account=None,
    building=None,
    resident=None,
    caller_name: str = "",
    contact_phone: str = "",
    urgent: bool = False,
) -> FaultReport:
    """A clerk records a fault someone reported by phone or at the office: a resident with a
    login (`resident`, who then follows it as their own), or anyone else by name
    (`caller_name`, a tenant without a login, a neighbour), or nobody for an anonymous call.
    It is about an account, or about a common part of a `building` when no account is known.
    The people who may act for the account and have a login see it and are told."""
    if channel not in (Channel.PHONE, Channel.OFFICE):
        raise FaultRejected(_("Choose how the resident reported it."), field="channel")
    caller_name = caller_name.strip()
    if resident is not None and caller_name:
        raise FaultRejected(
            _("Choose a person from the list or write the caller's name, not both."),
            field="caller_name",
        )
    if resident is not None and (account is None or not _may_act_for(resident, account)):
        raise FaultRejected(
            _("This person has no current access to the account."), field="resident"
        )
    if account is None and (building is None or place == Place.PREMISES):
        raise FaultRejected(
            _("Without an account, choose the building and a common part of it."), field="place"
        )
    urgent = _report_checked(place, category, title, description, urgent)
    report = FaultReport(
        reporter=resident,
        caller_name=caller_name,
        channel=channel,
        recorded_by=clerk,
        account=account,
        building=account.premises.building if account is not None else building,
        place=place,
        category=category,
        title=title,
        description=description,
        contact_phone=contact_phone,
        urgent=urgent,
    )
    return _report_store(report, (), resident or clerk, clerk=clerk)


def _check_open(report):
    if report.status not in OPEN_STATUSES:
        raise FaultRejected(
            _("This report is closed; comments and photos are added while it is open.")
        )


def fault_resident_comment(*, user, report: FaultReport, text: str = "", photo=None) -> FaultReport:
    """A comment and/or one photo from a resident who may see the report, while it is open."""
    text = text.strip()
    if not text and photo is None:
        raise FaultRejected(_("Write a comment or attach a photo."), field="text")
    with transaction.atomic(durable=True):
        report = _locked(report)
        _check_open(report)
        if text:
            _event(report, FaultEvent.Kind.RESIDENT_COMMENT, user, text=text)
        if photo is not None:
            (saved,) = _store_photos(report, [photo], user, field="photo")
            _event(report, FaultEvent.Kind.PHOTO_ADDED, user, photo=saved)
        _touch(report)
    return report


def fault_confirm(*, user, report: FaultReport) -> FaultReport:
    """The resident confirms a resolved report is fixed; it stays resolved for good."""
    with transaction.atomic(durable=True):
        report = _locked(report)
        if report.status != Status.RESOLVED or report.confirmed_at:
            raise FaultRejected(_("Only a resolved report can be confirmed, and only once."))
        report.confirmed_at = timezone.now()
        _touch(report, "confirmed_at")
        _event(report, FaultEvent.Kind.CONFIRMED, user)
    return report


def fault_reopen(*, user, report: FaultReport, reason: str) -> FaultReport:
    """The fault is back: a resolved, unconfirmed report returns to the office as accepted."""
    reason = reason.strip()
    if not reason:
        raise FaultRejected(_("Say what is still wrong."), field="reason")
    with transaction.atomic(durable=True):
        report = _locked(report)
        if report.status != Status.RESOLVED or report.confirmed_at:
            raise FaultRejected(_("Only a resolved report that was not confirmed can be reopened."))
        old = report.status
        report.status = Status.ACCEPTED
        _touch(report, "status")
        _event(
            report,
            FaultEvent.Kind.REOPENED,
            user,
            old_status=old,
            new_status=report.status,
            text=reason,
        )
    return report


# -- staff ----------------------------------------------------------------------------------------


def fault_status_change(
    *, report: FaultReport, new_status: str, clerk, comment: str = ""
) -> FaultReport:
    """Move the report along TRANSITIONS; a rejection needs the reason (in `comment`), which
    the resident sees. The reporter is notified once."""
    comment = comment.strip()
    with transaction.atomic(durable=True):
        report = _locked(report)
        old = Status(report.status)
        if new_status not in TRANSITIONS[old]:
            raise FaultRejected(
                _("A report that is %(old)s cannot become %(new)s.")
                % {"old": old.label, "new": Status(new_status).label}
                if new_status in Status.values
                else _("Unknown status."),
                field="new_status",
            )
        new = Status(new_status)
        if new == Status.REJECTED and not comment:
            raise FaultRejected(_("Give the reason for the rejection."), field="comment")
        report.status = new
        report.reject_reason = comment if new == Status.REJECTED else ""
        report.confirmed_at = None
        _touch(report, "status", "reject_reason", "confirmed_at")
        _event(report, FaultEvent.Kind.STATUS, clerk, old_status=old, new_status=new, text=comment)
        audit_clerk(
            clerk,
            action=Action.CHANGE,
            obj=report,
            old={"status": old},
            new={"status": new, "comment": comment},
        )
        _notify_status(report, old, new, comment)
    return report


def _notify_status(report, old, new, comment):
    params = {
        "title": report.title,
        "number": report.pk,
        "old": StoredText(lazy_key(old.label)),
        "new": StoredText(lazy_key(new.label)),
        "comment": comment,
    }
    if not comment:
        body = gettext_noop(
            "The status of your fault report “%(title)s” changed from %(old)s to %(new)s."
        )
    elif new == Status.REJECTED:
        body = gettext_noop(
            "The status of your fault report “%(title)s” changed from %(old)s to %(new)s."
            "\n\nReason: %(comment)s"
        )
    else:
        body = gettext_noop(
            "The status of your fault report “%(title)s” changed from %(old)s to %(new)s."
            "\n\nComment from the office: %(comment)s"
        )
    for person in _people_to_tell(report):
        notify(
            person,
            StoredText(gettext_noop("Fault report #%(number)s: %(new)s"), params),
            StoredText(body, params),
            link=_link(report),
            kind=Kind.FAULTS,
        )


def fault_comment_public(*, report, clerk, text: str) -> FaultEvent:
    """A comment the resident sees in the timeline and is notified of."""
    text = text.strip()
    if not text:
        raise FaultRejected(_("Write the comment."), field="text")
    with transaction.atomic(durable=True):
        report = _locked(report)
        event = _event(report, FaultEvent.Kind.PUBLIC_COMMENT, clerk, text=text)
        _touch(report)
        audit_clerk(clerk, action=Action.CHANGE, obj=report, new={"public_comment": text})
        params = {"number": report.pk, "title": report.title, "text": text}
        for person in _people_to_tell(report):
            notify(
                person,
                StoredText(
                    gettext_noop("Fault report #%(number)s: a message from the office"), params
                ),
                StoredText(
                    gettext_noop("About your fault report “%(title)s”:\n\n%(text)s"), params
                ),
                link=_link(report),
                kind=Kind.FAULTS,
            )
    return event


def fault_comment_internal(*, report, clerk, text: str) -> FaultEvent:
    """A note for staff only: never shown to residents, never sent to them."""
    text = text.strip()
    if not text:
        raise FaultRejected(_("Write the note."), field="text")
    with transaction.atomic(durable=True):
        report = _locked(report)
        event = _event(report, FaultEvent.Kind.INTERNAL_NOTE, clerk, text=text, public=False)
        _touch(report)
        audit_clerk(clerk, action=Action.CHANGE, obj=report, new={"internal_note": text})
    return event


def fault_assign(
    *, report: FaultReport, clerk, assigned_to=None, contractor: str = ""
) -> FaultReport:
    """Who handles the report: a clerk, a contractor's name, or both (or nobody)."""
    contractor = contractor.strip()
    if assigned_to is not None and not bok_staff().filter(pk=assigned_to.pk).exists():
        raise FaultRejected(_("Only BOK staff can be assigned."), field="assigned_to")
    with transaction.atomic(durable=True):
        report = _locked(report)
        if report.assigned_to_id == getattr(assigned_to, "pk", None) and (
            report.contractor == contractor
        ):
            return report
        old = {"assigned_to": report.assigned_to_id, "contractor": report.contractor}
        report.assigned_to = assigned_to
        report.contractor = contractor
        _touch(report, "assigned_to", "contractor")
        who = ", ".join(filter(None, [str(assigned_to) if assigned_to else "", contractor]))
        _event(report, FaultEvent.Kind.ASSIGNED, clerk, text=who or "—", public=False)
        audit_clerk(
            clerk,
            action=Action.CHANGE,
            obj=report,
            old=old,
            new={"assigned_to": report.assigned_to_id, "contractor": contractor},
        )
    return report
