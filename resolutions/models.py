"""The register of voting rights of a housing community, its resolutions, the frozen ballots of
a vote, the append-only vote log with one current vote per ballot, and the result notices.
Shares and weights are exact fractions (numerator / denominator), never floats."""

import hashlib
import secrets
from datetime import timedelta
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, Community, Premises
from audit.subjects import first_resident

MIN_PREMISES_FOR_EVOTING = 4  # art. 19 uwl: 3 premises or fewer are a co-ownership


class CountingRule(models.TextChoices):
    SHARES = "shares", _("by shares: for > half of all shares")
    HEADS = "heads", _("one owner, one vote: for > half of all owners")
    CAST = "cast", _("majority of the shares cast: for > against")


def community_premises(community_id):
    return Premises.objects.filter(building__community_id=community_id)


class CommunityVotingSettings(models.Model):
    community = models.OneToOneField(
        Community,
        verbose_name=_("housing community"),
        on_delete=models.CASCADE,
        related_name="voting_settings",
    )
    evoting_enabled = models.BooleanField(_("online voting enabled"), default=False)
    enabling_resolution = models.CharField(
        _("resolution that allowed online voting"),
        max_length=30,
        blank=True,
        help_text=_("Its number, e.g. 5/2025."),
    )
    counting_rule = models.CharField(
        _("default counting rule"),
        max_length=10,
        choices=CountingRule.choices,
        default=CountingRule.SHARES,
    )
    min_period_days = models.PositiveSmallIntegerField(
        _("minimum voting period (days)"), default=7, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("community voting settings")
        verbose_name_plural = _("community voting settings")

    def __str__(self):
        return str(self.community)

    def clean(self):
        if not self.evoting_enabled:
            return
        if not self.enabling_resolution.strip():
            raise ValidationError(
                {"enabling_resolution": _("Give the number of the resolution that allowed it.")}
            )
        if community_premises(self.community_id).count() < MIN_PREMISES_FOR_EVOTING:
            raise ValidationError(
                {
                    "evoting_enabled": _(
                        "A community of 3 premises or fewer is a co-ownership under the Civil "
                        "Code: it does not adopt resolutions and cannot vote online."
                    )
                }
            )


class Ownership(models.Model):
    """One owner's title to a premises: a voting right in share counting."""

    class Kind(models.TextChoices):
        SOLE = "sole", _("sole owner")
        FRACTIONAL = "fractional", _("fractional co-owner")
        MARITAL = "marital", _("spouses in joint marital ownership")

    premises = models.ForeignKey(
        Premises, verbose_name=_("premises"), on_delete=models.CASCADE, related_name="ownerships"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.SOLE)
    fraction_numerator = models.PositiveBigIntegerField(_("fraction: numerator"), default=1)
    fraction_denominator = models.PositiveBigIntegerField(_("fraction: denominator"), default=1)
    owner_name = models.CharField(_("owner (as in the land register)"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ownerships",
    )
    spouse = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("spouse"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Joint marital ownership: the other spouse; either casts the one vote."),
    )
    is_municipality = models.BooleanField(
        _("the municipality"),
        default=False,
        help_text=_("An unsold municipal premises: a clerk votes for the municipality."),
    )
    is_proxy = models.BooleanField(
        _("proxy of the co-owners"),
        default=False,
        help_text=_("Votes for the co-owners of the premises in one-owner-one-vote counting."),
    )
    account = models.ForeignKey(
        Account,
        verbose_name=_("customer account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    postal_address = models.CharField(
        _("address for letters"), max_length=300, blank=True, help_text=_("If not the premises.")
    )

    class Meta:
        verbose_name = _("ownership")
        verbose_name_plural = _("ownerships (share register)")
        ordering = ["premises", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fraction_denominator__gt=0)
                & Q(fraction_numerator__gt=0)
                & Q(fraction_numerator__lte=F("fraction_denominator")),
                name="ownership_fraction",
            ),
            models.UniqueConstraint(
                fields=["premises"], condition=Q(is_proxy=True), name="one_proxy_per_premises"
            ),
        ]

    def __str__(self):
        return f"{self.premises} — {self.owner_name}"

    @property
    def fraction(self):
        return Fraction(self.fraction_numerator, self.fraction_denominator)

    @property
    def users(self):
        return [u for u in (self.user, self.spouse) if u is not None]

    def clean(self):
        if self.kind != self.Kind.FRACTIONAL and (
            self.fraction_numerator != 1 or self.fraction_denominator != 1
        ):
            raise ValidationError(
                {"fraction_numerator": _("Only a fractional co-owner holds a part (leave 1/1).")}
            )
        whole = self.fraction_numerator == self.fraction_denominator
        if self.kind == self.Kind.FRACTIONAL and whole:
            raise ValidationError({"fraction_numerator": _("Give the co-owner's part, e.g. 1/2.")})
        if self.fraction_denominator == 0 or self.fraction_numerator > self.fraction_denominator:
            raise ValidationError({"fraction_numerator": _("The part must be between 0 and 1.")})
        if self.spouse_id and self.kind != self.Kind.MARITAL:
            raise ValidationError({"spouse": _("Only joint marital ownership has a spouse.")})
        if self.spouse_id and self.spouse_id == self.user_id:
            raise ValidationError({"spouse": _("The spouses are two different people.")})
        if self.is_municipality and (self.user_id or self.spouse_id):
            raise ValidationError(
                {"user": _("The municipality votes through a clerk: leave the users empty.")}
            )

    def audit_resident(self):
        return first_resident(self.user, self.premises)


class Resolution(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("voting")
        CLOSED = "closed", _("closed")

    class Result(models.TextChoices):
        NONE = "", _("not yet counted")
        ADOPTED = "adopted", _("adopted")
        REJECTED = "rejected", _("rejected")

    community = models.ForeignKey(
        Community,
        verbose_name=_("housing community"),
        on_delete=models.PROTECT,
        related_name="resolutions",
    )
    number = models.CharField(_("number"), max_length=30, help_text=_("E.g. 3/2026."))
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("full text"))
    text_hash = models.CharField(_("SHA-256 of the text"), max_length=64, editable=False)
    counting_rule = models.CharField(
        _("counting rule"),
        max_length=10,
        choices=CountingRule.choices,
        blank=True,
        default="",
        help_text=_("Empty: the community's default rule, fixed when voting opens."),
    )
    starts_at = models.DateTimeField(_("voting starts"))
    ends_at = models.DateTimeField(_("voting ends"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    result = models.CharField(
        _("result"), max_length=10, choices=Result.choices, blank=True, default="", editable=False
    )
    # All shares of the community (or all owners, one owner one vote), frozen at opening.
    total_numerator = models.PositiveBigIntegerField(null=True, editable=False)
    total_denominator = models.PositiveBigIntegerField(null=True, editable=False)
    opened_at = models.DateTimeField(_("opened at"), null=True, editable=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("counted by"),
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
    )
    protocol = models.FileField(_("protocol (PDF)"), upload_to="resolutions/", blank=True)
    letters = models.FileField(_("result letters (PDF)"), upload_to="resolutions/", blank=True)

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "number"], name="resolution_number_per_community"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="resolution_window_order"
            ),
        ]
        indexes = [models.Index(fields=["status", "ends_at"], name="resolution_open_ends")]

    def __str__(self):
        return f"{self.number} — {self.title}"

    def save(self, *args, **kwargs):
        if self.status == self.Status.DRAFT:
            self.text_hash = self.hash_text(self.text)
        super().save(*args, **kwargs)

    @staticmethod
    def hash_text(text):
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def total(self):
        if self.total_denominator:
            return Fraction(self.total_numerator, self.total_denominator)
        return None

    @property
    def is_heads(self):
        return self.counting_rule == CountingRule.HEADS

    def is_accepting_votes(self, now=None):
        now = now or timezone.now()
        return self.status == self.Status.OPEN and self.starts_at <= now < self.ends_at

    @property
    def time_left(self):
        return max(self.ends_at - timezone.now(), timedelta(0))

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("Voting must end after it starts.")})


def attachment_path(instance, filename):
    return f"resolutions/attachments/{secrets.token_hex(16)}.pdf"


class Attachment(models.Model):
    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("PDF file"), upload_to=attachment_path)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.title


class Ballot(models.Model):
    """One voting right in one vote, frozen when the vote opens: the premises, the owner, the
    weight, and who may see and cast it."""

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="ballots")
    premises = models.ForeignKey(
        Premises, on_delete=models.PROTECT, null=True, related_name="+"
    )  # empty when one owner votes for several premises (one owner, one vote)
    premises_label = models.CharField(_("premises"), max_length=300)
    owner_label = models.CharField(_("owner"), max_length=300)
    weight_numerator = models.PositiveBigIntegerField()
    weight_denominator = models.PositiveBigIntegerField()
    is_municipality = models.BooleanField(default=False)
    postal_address = models.CharField(max_length=300, blank=True)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, through="BallotUser", related_name="+")

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots (frozen register)")
        ordering = ["resolution", "premises_label", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_denominator__gt=0), name="ballot_weight_denominator"
            )
        ]

    def __str__(self):
        return f"{self.premises_label} — {self.owner_label}"

    @property
    def weight(self):
        return Fraction(self.weight_numerator, self.weight_denominator)

    @property
    def current_or_none(self):
        try:
            return self.current
        except ObjectDoesNotExist:
            return None

    def audit_resident(self):
        return first_resident(self.users.order_by("pk").first(), self.premises)


class BallotUser(models.Model):
    """An owner behind a ballot: sees it, is notified; `may_vote` when they may cast it."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="holders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    may_vote = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "user"], name="ballot_user_once")]

    def __str__(self):
        return f"{self.ballot} — {self.user}"

    def audit_resident(self):
        return first_resident(self.user, self.ballot)


class Choice(models.TextChoices):
    FOR = "for", _("for")
    AGAINST = "against", _("against")
    ABSTAIN = "abstain", _("abstain")


class Channel(models.TextChoices):
    # Read in a sentence too: "… cast by Anna Nowak on 5 December (vote cast in e-BOK)".
    ONLINE = "online", _("vote cast in e-BOK")
    PAPER = "paper", _("vote cast on a paper ballot")


class Vote(models.Model):
    """The append-only log: every cast, never changed or deleted."""

    resolution = models.ForeignKey(
        Resolution, verbose_name=_("resolution"), on_delete=models.PROTECT, related_name="votes"
    )
    ballot = models.ForeignKey(
        Ballot, verbose_name=_("ballot"), on_delete=models.PROTECT, related_name="votes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cast by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    choice = models.CharField(_("vote"), max_length=10, choices=Choice.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    weight_numerator = models.PositiveBigIntegerField(_("weight: numerator"))
    weight_denominator = models.PositiveBigIntegerField(_("weight: denominator"))
    text_hash = models.CharField(_("SHA-256 of the text shown"), max_length=64)
    cast_at = models.DateTimeField(_("cast at"), default=timezone.now)

    class Meta:
        verbose_name = _("vote (log)")
        verbose_name_plural = _("votes (log)")
        ordering = ["cast_at", "pk"]

    def __str__(self):
        return f"{self.ballot} — {self.get_choice_display()}"

    def audit_resident(self):
        return first_resident(self.user, self.ballot)


class CurrentVote(models.Model):
    """The vote that counts for a ballot: the last cast before the window closed."""

    ballot = models.OneToOneField(Ballot, on_delete=models.PROTECT, related_name="current")
    resolution = models.ForeignKey(Resolution, on_delete=models.PROTECT, related_name="+")
    vote = models.OneToOneField(Vote, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=10, choices=Choice.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot"], name="one_current_vote_per_ballot")
        ]

    def __str__(self):
        return f"{self.ballot} — {self.get_choice_display()}"

    def audit_resident(self):
        return first_resident(self.ballot)


class ResultNotice(models.Model):
    """That an owner was (or is to be) told the result; the challenge clock runs from it."""

    class Channel(models.TextChoices):
        ELECTRONIC = "electronic", _("e-BOK and e-mail")
        LETTER = "letter", _("letter")

    resolution = models.ForeignKey(
        Resolution, verbose_name=_("resolution"), on_delete=models.CASCADE, related_name="notices"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resident"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    owner_label = models.CharField(_("owner"), max_length=300)
    address = models.CharField(_("address"), max_length=300, blank=True)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    notified_at = models.DateField(
        _("notified on"),
        null=True,
        blank=True,
        help_text=_("For a letter: the day it was delivered (or posted, if not known)."),
    )

    class Meta:
        verbose_name = _("result notice")
        verbose_name_plural = _("result notices")
        ordering = ["resolution", "owner_label"]
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "user"],
                condition=Q(user__isnull=False),
                name="one_notice_per_owner",
            )
        ]

    def __str__(self):
        return f"{self.resolution.number} — {self.owner_label}"

    @property
    def challenge_deadline(self):
        if self.notified_at is None:
            return None
        return self.notified_at + timedelta(weeks=6)

    def audit_resident(self):
        return first_resident(self.user)


class SharePremises(Premises):
    """The premises of the share register, in admin with their owners."""

    class Meta:
        proxy = True
        verbose_name = _("premises in the share register")
        verbose_name_plural = _("share register")
