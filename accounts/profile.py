"""Writes of the resident's profile: phone, e-mail (verified by a link to the new address) and
consents (each change a timestamped row; history kept). Reads are in accounts.queries."""

import re
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import Action, audit_record
from core import outbox
from core.enqueue import enqueue_on_commit

from .models import Consent, EmailChange, SecurityNotice, User
from .services import login_email_set, security_notice_queue

EMAIL_CHANGE_SALT = "ebok.accounts.email_change"
_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
_PHONE = re.compile(r"^\+?[0-9]{9,15}$")


class ProfileError(Exception):
    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


def normalize_phone(value: str) -> str:
    compact = _PHONE_SEPARATORS.sub("", (value or "").strip())
    if compact and not (compact.isascii() and _PHONE.match(compact)):
        raise ProfileError(
            _("Enter a phone number of 9 to 15 digits, e.g. 600 123 456."), field="phone"
        )
    return compact


def phone_change(*, user: User, phone: str) -> User:
    phone = normalize_phone(phone)
    with transaction.atomic(durable=True):
        User.objects.filter(pk=user.pk).update(phone=phone)
    user.phone = phone
    return user


# -- e-mail ----------------------------------------------------------------------------------


def email_change_request(*, user: User, new_email: str, password: str) -> EmailChange:
    """A link to the new address; the current password is asked first (a borrowed phone or a
    stolen session must not be enough), and the old address is told at once."""
    if not user.check_password(password or ""):
        raise ProfileError(_("The password is not correct."), field="password")
    new_email = (new_email or "").strip().lower()
    try:
        validate_email(new_email)
    except ValidationError:
        raise ProfileError(_("Enter a valid e-mail address."), field="email") from None
    if len(new_email) > 254:
        raise ProfileError(_("Enter a valid e-mail address."), field="email")
    if new_email == (user.email or "").lower():
        raise ProfileError(_("This is already your e-mail address."), field="email")
    with transaction.atomic(durable=True):
        change = EmailChange.objects.create(
            user=user, old_email=user.email, new_email=new_email, email_status=outbox.PENDING
        )
        audit_record(
            action=Action.ADD, actor=user, obj=change, resident=user,
            new={"old_email": user.email, "new_email": new_email},
        )
        security_notice_queue(
            user=user, kind=SecurityNotice.Kind.EMAIL_CHANGE_REQUESTED, to_email=user.email,
            new_email=new_email,
        )
        enqueue_on_commit("accounts.email_change_link_send", change.pk)
    return change


def email_confirm_request(*, user: User) -> EmailChange:
    """A link to the resident's current, unproven address. Until it is proven no password reset
    link goes there (a clerk typed it in; nobody has shown it is theirs)."""
    email = (user.email or "").strip()
    if not email:
        raise ProfileError(_("There is no e-mail address to confirm."), field="email")
    if EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists():
        raise ProfileError(_("This address is already confirmed."), field="email")
    with transaction.atomic(durable=True):
        change = EmailChange.objects.create(
            user=user, old_email=email, new_email=email, email_status=outbox.PENDING
        )
        audit_record(
            action=Action.ADD, actor=user, obj=change, resident=user, new={"confirm_email": email}
        )
        enqueue_on_commit("accounts.email_change_link_send", change.pk)
    return change


def email_change_url(change: EmailChange) -> str:
    token = signing.dumps(change.pk, salt=EMAIL_CHANGE_SALT)
    return settings.SITE_URL + reverse("email_confirm", args=[token])


def email_change_confirm(*, token: str) -> User:
    """Make the new address the login e-mail; the link works once and for a day."""
    max_age = timedelta(hours=settings.EMAIL_CHANGE_LINK_HOURS)
    try:
        pk = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise ProfileError(_("This link has expired. Ask for a new one in your profile.")) from None
    except signing.BadSignature:
        raise ProfileError(_("This link is not valid.")) from None
    with transaction.atomic(durable=True):
        change = EmailChange.objects.select_for_update().filter(pk=pk).first()
        if change is None:
            raise ProfileError(_("This link is not valid."))
        if change.confirmed_at:
            raise ProfileError(_("This link has already been used."))
        newer = EmailChange.objects.filter(user_id=change.user_id, pk__gt=change.pk).exists()
        if newer:
            raise ProfileError(_("A newer change of the e-mail address replaced this one."))
        user = User.objects.select_for_update().get(pk=change.user_id)
        login_email_set(user, change.new_email, actor=user)
        change.confirmed_at = timezone.now()
        change.save(update_fields=["confirmed_at"])
        EmailAddress.objects.filter(user=user).update(primary=False)
        address, _created = EmailAddress.objects.get_or_create(
            user=user, email=change.new_email, defaults={"primary": True, "verified": True}
        )
        if not (address.primary and address.verified):
            address.primary = address.verified = True
            address.save(update_fields=["primary", "verified"])
    return user


# -- consents --------------------------------------------------------------------------------


def consent_set(*, user, given: bool, kind=Consent.Kind.ELECTRONIC_DELIVERY, now=None) -> bool:
    """Give or withdraw; True when something changed. Nothing is ever overwritten."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        User.objects.select_for_update().filter(pk=user.pk).first()  # one change at a time
        live = Consent.objects.filter(user=user, kind=kind, withdrawn_at__isnull=True)
        if given:
            if live.exists():
                return False
            Consent.objects.create(user=user, kind=kind, given_at=now)
            return True
        return bool(live.update(withdrawn_at=now))
