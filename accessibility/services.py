"""Every write of accessibility: a request received, its deadline extended, its answer; the
yearly reminder to review the statement. E-mails to requesters go through an outbox row."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.services import Action, audit_clerk
from core.enqueue import enqueue_on_commit

from .models import (
    AccessibilityRequest,
    RequestEmail,
    ReviewReminder,
    first_deadline,
)
from .queries import statement_current

LIMITS = {"name": 200, "email": 254, "phone": 30, "element": 500, "need": 5000, "alternative": 300}


class AccessibilityError(Exception):
    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


def _clean(values):
    cleaned = {key: (values.get(key) or "").strip() for key in LIMITS}
    for key in ("name", "email", "element", "need"):
        if not cleaned[key]:
            raise AccessibilityError(_("This field is required."), field=key)
    for key, limit in LIMITS.items():
        if len(cleaned[key]) > limit:
            raise AccessibilityError(
                _("At most %(limit)d characters.") % {"limit": limit}, field=key
            )
    try:
        validate_email(cleaned["email"])
    except ValidationError:
        raise AccessibilityError(_("Enter a valid e-mail address."), field="email") from None
    return cleaned


def _queue_email(request, kind, subject, template):
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            template,
            {
                "request": request,
                "manager_name": settings.MANAGER_NAME,
                "site_url": settings.SITE_URL,
            },
        )
    email = RequestEmail.objects.create(request=request, kind=kind, subject=subject, body=body)
    enqueue_on_commit("accessibility.request_email_send", email.pk)
    return email


def request_submit(*, name, email, element, need, phone="", alternative="", now=None):
    """Record a request; its deadline is 7 days from the day it came. The requester gets a
    confirmation by e-mail."""
    cleaned = _clean(
        {
            "name": name,
            "email": email,
            "phone": phone,
            "element": element,
            "need": need,
            "alternative": alternative,
        }
    )
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        request = AccessibilityRequest.objects.create(
            **cleaned, received_at=now, deadline=first_deadline(timezone.localdate(now))
        )
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("We received your accessibility request")
        _queue_email(
            request, RequestEmail.Kind.RECEIVED, subject, "accessibility/email/received.txt"
        )
    return request


def request_extend(*, request_id, to: date, reason: str, clerk):
    """Move the deadline, at most 2 months from the request, telling the requester why."""
    reason = (reason or "").strip()
    if not reason:
        raise AccessibilityError(_("Give the reason for the delay."), field="reason")
    with transaction.atomic(durable=True):
        request = AccessibilityRequest.objects.select_for_update().get(pk=request_id)
        if request.status == AccessibilityRequest.Status.ANSWERED:
            raise AccessibilityError(_("The request is already answered."))
        if to <= request.deadline:
            raise AccessibilityError(
                _("The new date must be after the 7-day deadline (%(day)s).")
                % {"day": date_format(request.deadline, "j E Y")},
                field="to",
            )
        if to > request.latest_extension:
            raise AccessibilityError(
                _("The law allows at most 2 months from the request: %(day)s at the latest.")
                % {"day": date_format(request.latest_extension, "j E Y")},
                field="to",
            )
        old = {"status": request.status, "extended_to": request.extended_to}
        request.extended_to = to
        request.extension_reason = reason[:2000]
        request.status = AccessibilityRequest.Status.EXTENDED
        request.save(update_fields=["extended_to", "extension_reason", "status"])
        audit_clerk(
            clerk,
            action=Action.CHANGE,
            obj=request,
            old=old,
            new={"status": request.status, "extended_to": to, "reason": request.extension_reason},
        )
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Your accessibility request: we need more time")
        _queue_email(
            request, RequestEmail.Kind.EXTENSION, subject, "accessibility/email/extension.txt"
        )
    return request


def request_answer(*, request_id, answer: str, clerk):
    answer = (answer or "").strip()
    if not answer:
        raise AccessibilityError(_("Write the answer."), field="answer")
    with transaction.atomic(durable=True):
        request = AccessibilityRequest.objects.select_for_update().get(pk=request_id)
        if request.status == AccessibilityRequest.Status.ANSWERED:
            raise AccessibilityError(_("The request is already answered."))
        old = {"status": request.status}
        request.answer = answer
        request.answered_at = timezone.now()
        request.answered_by = clerk
        request.status = AccessibilityRequest.Status.ANSWERED
        request.save(update_fields=["answer", "answered_at", "answered_by", "status"])
        audit_clerk(
            clerk,
            action=Action.CHANGE,
            obj=request,
            old=old,
            new={"status": request.status, "answer": answer},
        )
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Answer to your accessibility request")
        _queue_email(request, RequestEmail.Kind.ANSWER, subject, "accessibility/email/answer.txt")
    return request


def review_is_due(today: date) -> bool:
    """From 1 March until the statement is reviewed in the current year."""
    statement = statement_current()
    if statement is None or today.month < settings.ACCESSIBILITY_REMIND_FROM_MONTH:
        return False
    return statement.reviewed_on < date(today.year, 1, 1)


def review_reminder_send(*, today: date) -> bool:
    """E-mail staff once a year when the statement waits for its review (due by 31 March)."""

    if not review_is_due(today) or not settings.ACCESSIBILITY_STAFF_EMAILS:
        return False
    try:
        with transaction.atomic(durable=True):
            ReviewReminder.objects.create(year=today.year)
            with translation.override(settings.LANGUAGE_CODE):
                subject = _("Review the accessibility statement by 31 March")
                body = render_to_string(
                    "accessibility/email/review_reminder.txt",
                    {
                        "statement": statement_current(),
                        "year": today.year,
                        "admin_url": settings.SITE_URL + "/admin/accessibility/",
                    },
                )
            transaction.on_commit(
                lambda: send_mail(subject, body, None, settings.ACCESSIBILITY_STAFF_EMAILS)
            )
    except IntegrityError:
        return False  # already reminded this year
    return True
