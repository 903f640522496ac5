from datetime import date
from fractions import Fraction
from typing import Self

from django import forms
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from audit.subjects import first_resident
from core.outbox import OutboxEmail

from .validators import (
    format_nrb,
    make_virtual_nrb,
    normalize_nip,
    normalize_nrb,
    validate_nip,
    validate_nrb,
)


class NormalizedFormField(forms.CharField):
    """A number people type with spaces or dashes: normalised first, then validated, so the
    length check sees the digits and the message comes from the number's own validator."""

    def __init__(self, *, normalize, **kwargs):
        self.normalize = normalize
        kwargs["max_length"] = None
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return self.normalize(value) if value else value


class NormalizedCharField(models.CharField):
    normalize = staticmethod(str)

    def to_python(self, value):
        value = super().to_python(value)
        return self.normalize(value) if value else value

    def formfield(self, **kwargs):
        return super().formfield(
            **{"form_class": NormalizedFormField, "normalize": self.normalize, **kwargs}
        )


class NRBField(NormalizedCharField):
    """A 26-digit Polish bank account number, stored without spaces, validated."""

    normalize = staticmethod(normalize_nrb)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 26)
        kwargs.setdefault("validators", [validate_nrb])
        super().__init__(*args, **kwargs)


class NIPField(NormalizedCharField):
    normalize = staticmethod(normalize_nip)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("validators", [validate_nip])
        super().__init__(*args, **kwargs)


class User(AbstractUser):
    """A person who logs in: a resident or a member of staff. The login is `username`."""

    phone = models.CharField(_("phone"), max_length=20, blank=True)
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set when BOK issues a one-time password; cleared by the first change."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username

    def audit_resident(self):
        return first_resident(self)


class Address(models.Model):
    street = models.CharField(_("street and number"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=6)
    city = models.CharField(_("city"), max_length=100)

    class Meta:
        abstract = True

    @property
    def address(self):
        return f"{self.street}, {self.postal_code} {self.city}"


class Community(Address):
    """A housing community (wspólnota mieszkaniowa): a separate creditor with its own bank."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    nip = NIPField(_("NIP"))
    bank_account = NRBField(_("bank account (NRB)"))
    virtual_prefix = models.CharField(
        _("virtual account prefix"),
        max_length=14,
        unique=True,
        validators=[RegexValidator(r"^[0-9]{14}$", _("The prefix has exactly 14 digits."))],
        help_text=_("Sort code (8 digits) and payee code (6 digits) of its virtual accounts."),
    )
    vat_small_taxpayer = models.BooleanField(
        _("exempt from VAT as a small taxpayer (art. 113)"),
        default=False,
        help_text=_(
            "Its sales are below the limit of art. 113 ust. 1 of the VAT act: what it would tax "
            "(water, heat) is posted exempt from now on. Charges already posted keep their rate."
        ),
    )

    class Meta:
        verbose_name = _("housing community")
        verbose_name_plural = _("housing communities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(virtual_prefix__regex=r"^[0-9]{14}$"), name="community_prefix_digits"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def bank_account_display(self):
        return format_nrb(self.bank_account)


class Building(Address):
    """A building: in a housing community, or in the municipal stock (community empty)."""

    community = models.ForeignKey(
        Community,
        verbose_name=_("housing community"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="buildings",
        help_text=_("Empty for a building of the municipal stock."),
    )

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["city", "street"]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "postal_code", "city"], name="building_unique"
            )
        ]

    def __str__(self):
        return self.street

    @property
    def is_municipal(self):
        return self.community_id is None


class Premises(models.Model):
    class Kind(models.TextChoices):
        RESIDENTIAL = "residential", _("residential")
        COMMERCIAL = "commercial", _("commercial")
        GARAGE = "garage", _("garage")

    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="premises"
    )
    number = models.CharField(_("number"), max_length=20)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    floor_area = models.DecimalField(
        _("floor area (m²)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    # Share in the common property, exact as in the land register (e.g. 5234/100000).
    share_numerator = models.PositiveBigIntegerField(_("share: numerator"), null=True, blank=True)
    share_denominator = models.PositiveBigIntegerField(
        _("share: denominator"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("premises")
        verbose_name_plural = pgettext_lazy("plural", "premises")
        ordering = ["building", "number"]
        constraints = [
            models.UniqueConstraint(fields=["building", "number"], name="premises_unique_number"),
            models.CheckConstraint(
                condition=(Q(share_numerator__isnull=True) & Q(share_denominator__isnull=True))
                | (
                    Q(share_denominator__gt=0)
                    & Q(share_numerator__gte=0)
                    & Q(share_numerator__lte=F("share_denominator"))
                ),
                name="premises_share_fraction",
            ),
            models.CheckConstraint(condition=Q(floor_area__gte=0), name="premises_area_positive"),
        ]

    def __str__(self):
        return f"{self.building.street} / {self.number}"

    @property
    def share(self):
        if self.share_denominator:
            return Fraction(self.share_numerator, self.share_denominator)
        return None

    def clean(self):
        if (self.share_numerator is None) != (self.share_denominator is None):
            raise ValidationError(
                {"share_denominator": _("Give both parts of the share, or neither.")}
            )
        if self.share_denominator == 0:
            raise ValidationError({"share_denominator": _("The denominator cannot be zero.")})
        if self.share_denominator and self.share_numerator > self.share_denominator:
            raise ValidationError(
                {"share_numerator": _("A share cannot be greater than the whole.")}
            )

    def audit_resident(self):
        return first_resident(*self.accounts.order_by("pk")[:5])


class AccountQuerySet(models.QuerySet["Account"]):
    def active(self, on: date | None = None) -> Self:
        on = on or timezone.localdate()
        return self.filter(valid_from__lte=on).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )

    def with_current_access(self, user):
        """The accounts `user` may act for now: through an access of theirs that is current
        (AccountAccessQuerySet.current), both conditions on the same access row. A join, so
        add .distinct() where an account could come twice."""
        return self.filter(accesses__user=user, accesses__revoked_at__isnull=True)


class Account(models.Model):
    """A customer account (konto / kartoteka): one holder's relation to one premises."""

    class Kind(models.TextChoices):
        MUNICIPAL_TENANCY = "municipal_tenancy", _("municipal flat tenancy")
        COMMUNITY_OWNERSHIP = "community_ownership", _("ownership in a housing community")
        COMMERCIAL_LEASE = "commercial_lease", _("commercial lease")

    number = models.CharField(
        _("account number"),
        max_length=10,
        unique=True,
        help_text=_("Up to 10 digits; the last digits of the virtual bank account."),
    )
    premises = models.ForeignKey(
        Premises, verbose_name=_("premises"), on_delete=models.PROTECT, related_name="accounts"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    holder_name = models.CharField(_("holder name"), max_length=200)
    holder_nip = NIPField(_("holder NIP"), blank=True, help_text=_("For companies."))
    correspondence_address = models.CharField(
        _("correspondence address"), max_length=300, blank=True
    )
    virtual_nrb = NRBField(_("virtual bank account (NRB)"), unique=True)
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="AccountAccess", related_name="customer_accounts"
    )

    objects = AccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer account")
        verbose_name_plural = _("customer accounts")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="account_valid_range",
            ),
            models.CheckConstraint(
                condition=Q(number__regex=r"^[0-9]{1,10}$"), name="account_number_digits"
            ),
        ]

    def __str__(self):
        return f"{self.number} — {self.holder_name}"

    def default_virtual_nrb(self):
        """The virtual account derived from the creditor's prefix and the account number."""
        community = self.premises.building.community
        prefix = community.virtual_prefix if community else settings.MUNICIPAL_VIRTUAL_PREFIX
        return make_virtual_nrb(prefix, self.number)

    @property
    def virtual_nrb_display(self):
        return format_nrb(self.virtual_nrb)

    @property
    def is_active(self):
        today = timezone.localdate()
        return self.valid_from <= today and (self.valid_to is None or self.valid_to >= today)

    @property
    def has_resolutions(self):
        return self.kind == self.Kind.COMMUNITY_OWNERSHIP

    @property
    def has_invoices(self):
        return self.kind == self.Kind.COMMERCIAL_LEASE

    def clean(self):
        if self.number and not (self.number.isascii() and self.number.isdigit()):
            raise ValidationError({"number": _("The account number has only digits.")})
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date is before the start date.")})
        premises = getattr(self, "premises", None) if self.premises_id else None
        if premises is None:
            return
        in_community = premises.building.community_id is not None
        if self.kind == self.Kind.COMMUNITY_OWNERSHIP and not in_community:
            raise ValidationError(
                {"kind": _("Ownership in a community needs premises in a community's building.")}
            )
        if self.kind == self.Kind.MUNICIPAL_TENANCY and in_community:
            raise ValidationError(
                {"kind": _("A municipal tenancy needs premises in the municipal stock.")}
            )
        if self.kind == self.Kind.MUNICIPAL_TENANCY and premises.kind == Premises.Kind.COMMERCIAL:
            raise ValidationError(
                {"kind": _("Commercial premises are let with a commercial lease.")}
            )

    def audit_resident(self):
        return first_resident(self.users.order_by("pk").first())


class AccountAccessQuerySet(models.QuerySet["AccountAccess"]):
    def current(self) -> Self:
        return self.filter(revoked_at__isnull=True)


class AccountAccess(models.Model):
    """Who may act for an account: holder, co-holder or proxy."""

    class Role(models.TextChoices):
        HOLDER = "holder", _("holder")
        CO_HOLDER = "co_holder", _("co-holder")
        PROXY = "proxy", _("proxy")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="account_accesses",
    )
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="accesses"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.HOLDER)
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = AccountAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("account access")
        verbose_name_plural = _("account accesses")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "account"],
                condition=Q(revoked_at__isnull=True),
                name="one_current_access_per_user_account",
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.account.number} ({self.get_role_display()})"

    def audit_resident(self):
        return first_resident(self.user, self.account)


class IdentityCheck(models.Model):
    """That a clerk saw a person's ID document; never the document's number or a copy."""

    class DocumentType(models.TextChoices):
        ID_CARD = "id_card", _("ID card")
        PASSPORT = "passport", _("passport")
        MOBYWATEL = "mobywatel", _("mObywatel")
        RESIDENCE_CARD = "residence_card", _("residence card")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="identity_checks",
    )
    document_type = models.CharField(
        _("document type"), max_length=20, choices=DocumentType.choices
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)

    class Meta:
        verbose_name = _("identity check")
        verbose_name_plural = _("identity checks")
        ordering = ["-checked_at"]

    def __str__(self):
        return f"{self.user} — {self.get_document_type_display()}"

    def audit_resident(self):
        return first_resident(self.user)


class CredentialIssue(OutboxEmail):
    """One issue of credentials: a letter with a one-time password, or an activation e-mail."""

    class Method(models.TextChoices):
        LETTER = "letter", _("printed letter with a one-time password")
        EMAIL = "email", _("e-mail with an activation link")

    class EmailStatus(models.TextChoices):
        NOT_APPLICABLE = "", _("not applicable")
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="credential_issues",
    )
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    identity_check = models.ForeignKey(
        IdentityCheck,
        verbose_name=_("identity check"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    email_status = models.CharField(
        _("e-mail status"), max_length=10, choices=EmailStatus.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("credential issue")
        verbose_name_plural = _("credential issues")
        ordering = ["-issued_at"]

    def __str__(self):
        return f"{self.user} — {self.get_method_display()} ({self.issued_at:%Y-%m-%d %H:%M})"

    @property
    def is_usable(self):
        return (
            self.method == self.Method.EMAIL
            and self.used_at is None
            and self.revoked_at is None
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )

    def audit_resident(self):
        return first_resident(self.user)


class Consent(models.Model):
    """A consent a person gave, and when it was withdrawn. A new consent after a withdrawal is
    a new row: the history is kept, never overwritten."""

    class Kind(models.TextChoices):
        ELECTRONIC_DELIVERY = (
            "electronic_delivery_of_documents",
            _("to receive documents electronically (e-BOK and e-mail) instead of letters"),
        )

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="consents",
    )
    kind = models.CharField(_("consent"), max_length=40, choices=Kind.choices)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["user", "kind", "given_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_live_consent_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=F("given_at")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_kind_display()}"

    def audit_resident(self):
        return first_resident(self.user)


class EmailChange(OutboxEmail):
    """A resident asked to change their e-mail: a link goes to the new address, which becomes
    the login e-mail only when the link is opened."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="email_changes",
    )
    old_email = models.EmailField(_("old e-mail"), blank=True)
    new_email = models.EmailField(_("new e-mail"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail change")
        verbose_name_plural = _("e-mail changes")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"{self.user}: {self.new_email}"

    def audit_resident(self):
        return first_resident(self.user)


class SecurityNotice(OutboxEmail):
    """A notice to the owner of a login that its e-mail or password changed (or that a change
    was asked for). It goes to the address in force before the change, so that the real owner
    hears of a takeover even when the new address is the intruder's."""

    class Kind(models.TextChoices):
        EMAIL_CHANGE_REQUESTED = "email_change_requested", _("e-mail change requested")
        EMAIL_CHANGED = "email_changed", _("e-mail changed")
        PASSWORD_CHANGED = "password_changed", _("password changed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="security_notices",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    to_email = models.EmailField(_("sent to"))
    new_email = models.EmailField(_("new e-mail"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("security notice")
        verbose_name_plural = _("security notices")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.user} — {self.get_kind_display()}"

    def audit_resident(self):
        return first_resident(self.user)


