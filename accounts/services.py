"""Every write to the register and to logins: one function per business action."""

import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import password_validation
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import Action, audit_clerk, audit_record, current_request
from core import outbox
from core.enqueue import enqueue_on_commit

from .models import AccountAccess, CredentialIssue, IdentityCheck, SecurityNotice, User
from .register_cache import register_changed

ACTIVATION_SALT = "ebok.accounts.activation"
# No 0/O, 1/l/I: the password is read off paper and typed.
_LETTER_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class CredentialError(Exception):
    """A domain error whose message is shown to the clerk or resident."""


class ActivationInvalid(CredentialError):
    pass


def one_time_password(length=12):
    while True:
        candidate = "".join(secrets.choice(_LETTER_ALPHABET) for _ in range(length))
        if any(c.isdigit() for c in candidate) and any(c.isalpha() for c in candidate):
            return candidate


def activation_token(issue):
    # The row decides validity (expiry, single use, revocation); the signature makes the id
    # unguessable, so the task can rebuild the link from the id alone.
    return signing.dumps(issue.pk, salt=ACTIVATION_SALT)


def activation_url(issue):
    return settings.SITE_URL + reverse("activate", args=[activation_token(issue)])


class StaffOnlyBySuperuser(CredentialError):
    pass


def may_manage_login(clerk: User, person: User) -> bool:
    """Only a superuser may change a staff member's or superuser's login (password, e-mail,
    credentials): a clerk who could would become them."""
    return clerk.is_superuser or not (person.is_staff or person.is_superuser)


def security_notice_queue(*, user: User, kind: str, to_email: str, new_email: str = ""):
    """Tell the owner of a login about a change of it, at the address in force before the
    change. Call inside the change's transaction; without an address there is no one to tell."""
    if not to_email:
        return None
    notice = SecurityNotice.objects.create(
        user=user, kind=kind, to_email=to_email, new_email=new_email or "",
        email_status=outbox.PENDING,
    )
    enqueue_on_commit("accounts.security_notice_send", notice.pk)
    return notice


def login_email_set(user: User, email: str, *, actor: User | None, request=None) -> bool:
    """Inside a transaction: the new login e-mail, recorded and told to the old address."""
    old = user.email or ""
    if old.lower() == (email or "").lower():
        return False
    user.email = email
    user.save(update_fields=["email"])
    audit_record(
        action=Action.CHANGE, request=request or current_request(), actor=actor, obj=user,
        old={"email": old}, new={"email": email},
    )
    security_notice_queue(
        user=user, kind=SecurityNotice.Kind.EMAIL_CHANGED, to_email=old, new_email=email
    )
    return True


def credentials_issue(
    *, user: User, method: str, document_type: str, clerk: User, email: str | None = None
):
    """Record the ID check and issue new credentials; earlier ones stop working. With `email`
    (the clerk confirmed a new address) the login e-mail changes in the same transaction.

    Returns (issue, one_time_password); the password is only for the printed letter and is
    never stored in clear.
    """
    if not may_manage_login(clerk, user):
        raise StaffOnlyBySuperuser(
            _("Only a superuser may issue credentials for a staff member.")
        )
    if method == CredentialIssue.Method.EMAIL and not (email or user.email):
        raise CredentialError(_("Enter the person's e-mail address before sending a link."))
    if document_type not in IdentityCheck.DocumentType.values:
        raise CredentialError(_("Choose the type of the ID document that was checked."))
    now = timezone.now()
    with transaction.atomic(durable=True):
        user = User.objects.select_for_update().get(pk=user.pk)
        if email:
            login_email_set(user, email, actor=clerk)
        check = IdentityCheck.objects.create(
            user=user, document_type=document_type, checked_by=clerk, checked_at=now
        )
        ended = CredentialIssue.objects.filter(
            user=user, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        issue = CredentialIssue(
            user=user, method=method, identity_check=check, issued_by=clerk, issued_at=now
        )
        password = _credentials_set(user, issue, now)
        issue.save()
        # Never the password: only how and on what document.
        audit_clerk(
            clerk,
            action=Action.ADD,
            obj=issue,
            resident=user,
            new={
                "method": method,
                "document_type": document_type,
                "expires_at": issue.expires_at,
                "credentials_ended": ended,
            },
        )
        if method == CredentialIssue.Method.EMAIL:
            enqueue_on_commit("accounts.activation_email_send", issue.pk)
    return issue, password


def _credentials_set(user: User, issue: CredentialIssue, now) -> str | None:
    """The person's new credentials, as `issue` says: a one-time password for a letter
    (returned), or an activation link by e-mail. A new password hash also ends every session
    of the old credentials."""
    password = None
    if issue.method == CredentialIssue.Method.LETTER:
        password = one_time_password()
        user.set_password(password)
        user.must_change_password = True
    else:
        user.set_unusable_password()
        user.must_change_password = False
        issue.expires_at = now + timedelta(hours=settings.ACTIVATION_LINK_HOURS)
        issue.email_status = outbox.PENDING
    user.is_active = True
    user.save(update_fields=["password", "must_change_password", "is_active"])
    return password


def activation_lookup(token: str) -> CredentialIssue:
    try:
        pk = signing.loads(token, salt=ACTIVATION_SALT)
    except signing.BadSignature:
        raise ActivationInvalid(_("This activation link is not valid.")) from None
    issue = CredentialIssue.objects.select_related("user").filter(pk=pk).first()
    if issue is None or issue.method != CredentialIssue.Method.EMAIL:
        raise ActivationInvalid(_("This activation link is not valid."))
    if issue.used_at:
        raise ActivationInvalid(_("This activation link has already been used."))
    if issue.revoked_at:
        raise ActivationInvalid(_("This activation link was replaced by newer credentials."))
    if issue.expires_at is None or issue.expires_at <= timezone.now():
        raise ActivationInvalid(
            _("This activation link has expired. Ask BOK to send a new one.")
        )
    return issue


def activation_complete(*, token: str, password: str) -> User:
    """Set the first password through an activation link; the link then stops working."""
    with transaction.atomic(durable=True):
        issue = activation_lookup(token)
        # Lock and re-check: two tabs submitting the same link set one password.
        issue = CredentialIssue.objects.select_for_update().get(pk=issue.pk)
        if not issue.is_usable:
            raise ActivationInvalid(_("This activation link has already been used."))
        user = issue.user
        password_validation.validate_password(password, user)
        user.set_password(password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        issue.used_at = timezone.now()
        issue.save(update_fields=["used_at"])
        # The link reached the mailbox, so the address is proven.
        EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).update(
            primary=False
        )
        address, _created = EmailAddress.objects.get_or_create(
            user=user, email=user.email.lower(), defaults={"primary": True, "verified": True}
        )
        if not (address.verified and address.primary):
            address.verified = address.primary = True
            address.save(update_fields=["verified", "primary"])
    return user


def password_first_change(*, user: User, password: str) -> None:
    """Replace the one-time password from a letter with the resident's own."""
    password_validation.validate_password(password, user)
    with transaction.atomic(durable=True):
        user.set_password(password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        CredentialIssue.objects.filter(
            user=user, method=CredentialIssue.Method.LETTER, used_at__isnull=True,
            revoked_at__isnull=True,
        ).update(used_at=timezone.now())


def account_access_end(*, account, on=None) -> int:
    """The holder changed: end every current access to the account."""
    with transaction.atomic(durable=True):
        register_changed()
        return AccountAccess.objects.current().filter(account=account).update(
            revoked_at=on or timezone.now()
        )


def password_changed_record(*, user: User, request=None, actor: User | None = None) -> None:
    """A password was changed or set (by its owner, a reset link or a superuser): recorded,
    and the owner told at their e-mail. Never the password or its hash."""
    if actor is None:
        by = getattr(request, "user", None)
        actor = by if by is not None and by.is_authenticated else user
    with transaction.atomic():
        audit_record(
            action=Action.CHANGE, request=request, actor=actor, obj=user,
            new={"usable_password": user.has_usable_password()},
        )
        security_notice_queue(
            user=user, kind=SecurityNotice.Kind.PASSWORD_CHANGED, to_email=user.email
        )
