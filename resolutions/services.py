"""Every write to resolutions: opening a vote (freezing the register), casting votes online and
on paper, closing (the result, the notices, the documents), consent to electronic delivery.
Each service owns its transaction; owners hear of it through messaging.notify."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import profile
from accounts.models import Consent
from audit.services import Action, audit_clerk, resident_of
from core.enqueue import enqueue_on_commit
from core.stored_text import StoredText, lazy_key
from messaging import Kind, notify

from . import register
from .models import (
    MIN_PREMISES_FOR_EVOTING,
    Ballot,
    BallotUser,
    Channel,
    Choice,
    CommunityVotingSettings,
    CurrentVote,
    Resolution,
    ResultNotice,
    Vote,
    community_premises,
)
from .queries import consents_to_electronic_delivery
from .tally import tally


class ResolutionError(Exception):
    """A domain refusal; its message is shown to the person who asked."""


class VotingClosed(ResolutionError):
    pass


class NotEntitled(ResolutionError):
    pass


class CoOwnerVoted(ResolutionError):
    """Another person's vote counts for this ballot: the voter confirms before replacing it."""

    def __init__(self, previous):
        self.previous = previous
        super().__init__(_("Another vote was cast for this premises; confirm to replace it."))


def _when(value):
    return date_format(timezone.localtime(value), "j E Y, H:i")


# -- consent ----------------------------------------------------------------------------------


def consent_set(*, user, given):
    return profile.consent_set(user=user, given=given, kind=Consent.Kind.ELECTRONIC_DELIVERY)


# -- opening ----------------------------------------------------------------------------------


def resolution_open(*, resolution_id, by, now=None):
    """Freeze the register into ballots and open the vote; notify every owner."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        resolution = Resolution.objects.select_for_update().get(pk=resolution_id)
        settings = _openable(resolution, now)
        rule = resolution.counting_rule or settings.counting_rule
        try:
            total, planned = register.freeze(resolution.community_id, rule)
        except register.RegisterIncomplete as error:
            raise ResolutionError(str(error)) from None
        ballots = _ballots_store(resolution, planned)
        resolution.counting_rule = rule
        resolution.total_numerator = total.numerator
        resolution.total_denominator = total.denominator
        resolution.status = Resolution.Status.OPEN
        resolution.opened_at = now
        resolution.opened_by = by
        resolution.save()
        audit_clerk(
            by,
            action=Action.CHANGE,
            obj=resolution,
            old={"status": Resolution.Status.DRAFT},
            new={"status": resolution.status, "ballots": len(ballots)},
        )
        # An invitation to a vote that has already ended (a vote keyed in afterwards, the
        # demo's history) would only mislead.
        if resolution.ends_at > timezone.now():
            _invite(resolution)
    return resolution


def _openable(resolution, now) -> CommunityVotingSettings:
    """The community's voting settings, once the resolution may be opened now."""
    if resolution.status != Resolution.Status.DRAFT:
        raise ResolutionError(_("Only a draft resolution can be opened for voting."))
    settings = CommunityVotingSettings.objects.filter(community_id=resolution.community_id).first()
    if settings is None or not settings.evoting_enabled:
        raise ResolutionError(_("Online voting is not enabled for this community."))
    if community_premises(resolution.community_id).count() < MIN_PREMISES_FOR_EVOTING:
        raise ResolutionError(
            _("A community of 3 premises or fewer cannot vote online (art. 19 uwl).")
        )
    if resolution.ends_at <= now:
        raise ResolutionError(_("The voting window has already ended."))
    period = resolution.ends_at - max(resolution.starts_at, now)
    if period < timedelta(days=settings.min_period_days):
        raise ResolutionError(
            _("Voting must last at least %(days)s days in this community.")
            % {"days": settings.min_period_days}
        )
    return settings


def _ballots_store(resolution, planned) -> list[Ballot]:
    """A ballot per premises of the frozen register, with who may vote on it and who only
    sees it."""
    ballots = Ballot.objects.bulk_create(
        [
            Ballot(
                resolution=resolution,
                premises=p.premises,
                premises_label=p.premises_label,
                owner_label=p.owner_label,
                weight_numerator=p.weight.numerator,
                weight_denominator=p.weight.denominator,
                is_municipality=p.is_municipality,
                postal_address=p.postal_address,
            )
            for p in planned
        ]
    )
    holders = []
    for ballot, p in zip(ballots, planned, strict=True):
        holders += [BallotUser(ballot=ballot, user=u, may_vote=True) for u in p.voters]
        holders += [BallotUser(ballot=ballot, user=u, may_vote=False) for u in p.others]
    BallotUser.objects.bulk_create(holders)
    return ballots


def _invite(resolution):
    link = reverse("resolutions:detail", args=[resolution.pk])
    params = {
        "community": resolution.community.name,
        "number": resolution.number,
        "title": resolution.title,
        "start": resolution.starts_at,
        "end": resolution.ends_at,
    }
    for user in _owners(resolution):
        notify(
            user,
            StoredText(gettext_noop("Vote on resolution %(number)s"), params),
            StoredText(
                gettext_noop(
                    "%(community)s asks you to vote on resolution %(number)s “%(title)s”. "
                    "Voting is open from %(start)s to %(end)s."
                ),
                params,
            ),
            link=link,
            kind=Kind.RESOLUTIONS,
        )


def _owners(resolution):
    """Every user behind a ballot of the resolution, once."""
    seen: dict[int, object] = {}
    for holder in (
        BallotUser.objects.filter(ballot__resolution=resolution)
        .select_related("user")
        .order_by("user_id")
    ):
        seen.setdefault(holder.user_id, holder.user)
    return list(seen.values())


# -- voting -----------------------------------------------------------------------------------


def _cast(*, user, resolution, ballot, choice, channel, now, confirmed=True):
    if choice not in Choice.values:
        raise ResolutionError(_("Choose for, against or abstain."))
    with transaction.atomic(durable=True):
        # The resolution first, as closing does: no vote slips in after the count.
        resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
        # The time of a cast is taken under the lock, so the log's order is the casts' order.
        now = now or timezone.now()
        if not resolution.is_accepting_votes(now):
            if resolution.status == Resolution.Status.OPEN and now < resolution.starts_at:
                raise VotingClosed(
                    _("Voting starts on %(start)s.") % {"start": _when(resolution.starts_at)}
                )
            raise VotingClosed(_("Voting on this resolution has ended; the vote was not counted."))
        ballot = (
            Ballot.objects.select_for_update().filter(pk=ballot.pk, resolution=resolution).first()
        )
        if ballot is None:
            raise NotEntitled(_("This ballot does not belong to this resolution."))
        if (
            channel == Channel.ONLINE
            and not BallotUser.objects.filter(ballot=ballot, user=user, may_vote=True).exists()
        ):
            raise NotEntitled(_("You may not vote for this premises."))
        counted = CurrentVote.objects.filter(ballot=ballot).select_related("vote__user").first()
        previous = counted.vote if counted else None
        replaces_other = (
            previous is not None and previous.user_id != user.pk and previous.choice != choice
        )
        if replaces_other and not confirmed:
            raise CoOwnerVoted(previous)
        vote = Vote.objects.create(
            resolution=resolution,
            ballot=ballot,
            user=user,
            choice=choice,
            channel=channel,
            weight_numerator=ballot.weight_numerator,
            weight_denominator=ballot.weight_denominator,
            text_hash=resolution.text_hash,
            cast_at=now,
        )
        CurrentVote.objects.update_or_create(
            ballot=ballot, defaults={"resolution": resolution, "vote": vote, "choice": choice}
        )
        if channel == Channel.ONLINE:
            _vote_receipt(resolution, ballot, vote)
        if channel == Channel.PAPER:  # a clerk keyed it in for the owners
            audit_clerk(
                user,
                action=Action.ADD,
                obj=vote,
                resident=resident_of(ballot),
                new={"ballot": ballot.premises_label, "choice": choice},
            )
        if replaces_other:
            _notify_vote_replaced(resolution, ballot, previous, vote)
    return vote


def _vote_receipt(resolution, ballot, vote):
    """Confirm an online vote to the voter, one message per ballot. A vote recorded with a past
    time into a vote already over (the demo's history) gets none, as it gets no invitation."""
    if resolution.ends_at <= timezone.now():
        return
    notify(
        vote.user,
        _("Your vote on resolution %(number)s for %(premises)s")
        % {"number": resolution.number, "premises": ballot.premises_label},
        _(
            "Your vote “%(choice)s” for %(premises)s on resolution %(number)s “%(title)s” was "
            "recorded on %(when)s. You may change it in e-BOK until %(end)s. If you did not "
            "cast it, call BOK at once."
        )
        % {
            "choice": vote.get_choice_display(),
            "premises": ballot.premises_label,
            "number": resolution.number,
            "title": resolution.title,
            "when": _when(vote.cast_at),
            "end": _when(resolution.ends_at),
        },
        link=reverse("resolutions:detail", args=[resolution.pk]),
        kind=Kind.RESOLUTIONS,
    )


def _notify_vote_replaced(resolution, ballot, previous, vote):
    """Tell the ballot's other owners that their shared vote changed, and who changed it."""
    params = {
        "who": vote.user.get_full_name() or vote.user.username,
        "premises": ballot.premises_label,
        "number": resolution.number,
        "title": resolution.title,
        "old": StoredText(lazy_key(Choice(previous.choice).label)),
        "new": StoredText(lazy_key(Choice(vote.choice).label)),
        "when": vote.cast_at,
        "end": resolution.ends_at,
    }
    for holder in (
        BallotUser.objects.filter(ballot=ballot).exclude(user=vote.user).select_related("user")
    ):
        notify(
            holder.user,
            StoredText(
                gettext_noop("The vote for %(premises)s on resolution %(number)s was changed"),
                params,
            ),
            StoredText(
                gettext_noop(
                    "%(who)s changed the vote for %(premises)s on resolution %(number)s "
                    "“%(title)s” from “%(old)s” to “%(new)s” on %(when)s. You may vote again "
                    "until %(end)s."
                ),
                params,
            ),
            link=reverse("resolutions:detail", args=[resolution.pk]),
            kind=Kind.RESOLUTIONS,
        )


def vote_cast(*, user, resolution, ballot, choice, now=None, confirmed=True):
    """An owner's online vote for one ballot; a later vote replaces the earlier one. Unless
    `confirmed`, replacing another person's different vote raises CoOwnerVoted; when it is
    replaced, the ballot's other owners are notified."""
    return _cast(
        user=user,
        resolution=resolution,
        ballot=ballot,
        choice=choice,
        channel=Channel.ONLINE,
        now=now,
        confirmed=confirmed,
    )


def votes_cast(*, user, resolution, ballot_ids, choice, now=None):
    """One online vote for several of an owner's ballots, each cast on its own as by
    `vote_cast`: its own log row and confirmation. A ballot for which another person has
    meanwhile cast a different vote keeps that vote. Returns (the votes cast, the ballots
    kept)."""
    votes, kept = [], []
    for ballot in Ballot.objects.filter(resolution=resolution, pk__in=ballot_ids).order_by(
        "premises_label", "pk"
    ):
        try:
            votes.append(
                _cast(
                    user=user,
                    resolution=resolution,
                    ballot=ballot,
                    choice=choice,
                    channel=Channel.ONLINE,
                    now=now,
                    confirmed=False,
                )
            )
        except CoOwnerVoted:
            kept.append(ballot)
    return votes, kept


def vote_cast_paper(*, clerk, resolution, ballot, choice, now=None):
    """A paper ballot (or the municipality's vote) keyed in by staff during the window."""
    if not clerk.is_staff:
        raise NotEntitled(_("Only staff can enter paper ballots."))
    return _cast(
        user=clerk,
        resolution=resolution,
        ballot=ballot,
        choice=choice,
        channel=Channel.PAPER,
        now=now,
    )


# -- closing ----------------------------------------------------------------------------------


def resolution_close(*, resolution_id, by=None, now=None):
    """Close a vote whose window has ended: fix the result, record the notices, notify the
    owners who consented, and queue the protocol and the letters. False if already closed."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        resolution = Resolution.objects.select_for_update().get(pk=resolution_id)
        if resolution.status != Resolution.Status.OPEN:
            return False
        if resolution.ends_at > now:
            raise ResolutionError(
                _("Voting is open until %(end)s; it can be closed after that.")
                % {"end": _when(resolution.ends_at)}
            )
        result = tally(resolution)
        updated = Resolution.objects.filter(pk=resolution.pk, status=Resolution.Status.OPEN).update(
            status=Resolution.Status.CLOSED,
            result=Resolution.Result.ADOPTED if result.adopted else Resolution.Result.REJECTED,
            closed_at=now,
            closed_by=by,
        )
        if not updated:
            return False
        resolution.refresh_from_db()
        audit_clerk(
            by,
            action=Action.CHANGE,
            obj=resolution,
            old={"status": Resolution.Status.OPEN},
            new={"status": resolution.status, "result": resolution.result},
        )
        _notify_result(resolution, now)
        enqueue_on_commit("resolutions.resolution_documents_render", resolution.pk)
    return True


def _notify_result(resolution, now):
    """Every owner hears the result: in e-BOK and by e-mail with a consent to electronic
    delivery, else by letter; owners without a login by letter. Each notice is recorded."""
    today = timezone.localdate(now)
    subject, body = _result_message(resolution, today)
    link = reverse("resolutions:detail", args=[resolution.pk])
    notices = []
    users_done = set()
    for holder in (
        BallotUser.objects.filter(ballot__resolution=resolution)
        .select_related("user", "ballot")
        .order_by("user_id", "ballot_id")
    ):
        if holder.user_id in users_done:
            continue
        users_done.add(holder.user_id)
        user = holder.user
        electronic = consents_to_electronic_delivery(user)
        if electronic:
            notify(user, subject, body, link=link)
        notices.append(
            ResultNotice(
                resolution=resolution,
                user=user,
                owner_label=user.get_full_name() or user.username,
                address=user.email if electronic else holder.ballot.postal_address,
                channel=ResultNotice.Channel.ELECTRONIC
                if electronic
                else ResultNotice.Channel.LETTER,
                notified_at=today if electronic else None,
            )
        )
    # Owners without a login get a letter; the municipality is the manager's own principal.
    for ballot in Ballot.objects.filter(
        resolution=resolution, holders__isnull=True, is_municipality=False
    ):
        notices.append(
            ResultNotice(
                resolution=resolution,
                owner_label=ballot.owner_label,
                address=ballot.postal_address,
                channel=ResultNotice.Channel.LETTER,
            )
        )
    ResultNotice.objects.bulk_create(notices)


def _result_message(resolution, today) -> tuple[str, str]:
    subject = _("Result of the vote on resolution %(number)s") % {"number": resolution.number}
    body = _(
        "Resolution %(number)s “%(title)s” of %(community)s was %(result)s. Its full text and "
        "the protocol are in e-BOK."
    ) % {
        "number": resolution.number,
        "title": resolution.title,
        "community": resolution.community.name,
        "result": resolution.get_result_display(),
    }
    if resolution.result == Resolution.Result.ADOPTED:
        body += " " + _(
            "You may challenge it in court within 6 weeks of this notice (art. 25 uwl), "
            "that is until %(day)s."
        ) % {"day": date_format(today + timedelta(weeks=6), "j E Y")}
    return subject, body


def resolutions_close_ended(*, now=None):
    """Beat: close every vote whose window has ended. Safe to run twice."""
    now = now or timezone.now()
    closed = 0
    for pk in Resolution.objects.filter(
        status=Resolution.Status.OPEN, ends_at__lte=now
    ).values_list("pk", flat=True):
        closed += resolution_close(resolution_id=pk, now=now)
    return closed


def letters_mark_delivered(*, notice_ids, on):
    """A clerk records the day posted letters were delivered: the challenge clock starts."""
    with transaction.atomic(durable=True):
        return ResultNotice.objects.filter(
            pk__in=notice_ids, channel=ResultNotice.Channel.LETTER, notified_at__isnull=True
        ).update(notified_at=on)


def resolutions_missing_documents(older_than=timedelta(minutes=10)) -> list:
    """Closed votes whose protocol or letters are still missing `older_than` after closing."""
    return list(
        Resolution.objects.filter(
            status=Resolution.Status.CLOSED, closed_at__lt=timezone.now() - older_than
        )
        .filter(Q(protocol="") | Q(letters=""))
        .values_list("pk", flat=True)[:100]
    )
