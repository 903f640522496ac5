"""Reads for resident pages: resolutions of the communities in which the user holds an
ownership account, or a 404. Vote lists and protocols only to that community's owners."""

from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import Http404

from accounts.models import Account, Consent
from accounts.queries import accounts_for_user, consent_is_given

from .models import Attachment, Ballot, BallotUser, Resolution, ResultNotice


def owner_community_ids(user):
    return (
        accounts_for_user(user)
        .filter(kind=Account.Kind.COMMUNITY_OWNERSHIP)
        .values("premises__building__community_id")
    )


def is_community_owner(user):
    """Whether the user holds an ownership account in some community (the nav link)."""
    return (
        user.is_authenticated
        and accounts_for_user(user).filter(kind=Account.Kind.COMMUNITY_OWNERSHIP).exists()
    )


def resolutions_for_user(user):
    """Published resolutions of the user's communities: open ones first, ending soonest."""
    return (
        Resolution.objects.filter(
            community_id__in=owner_community_ids(user),
            status__in=[Resolution.Status.OPEN, Resolution.Status.CLOSED],
        )
        .select_related("community")
        .annotate(
            open_first=Case(
                When(status=Resolution.Status.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("open_first", "ends_at", "-pk")
    )


def get_resolution_for_user(user, pk):
    resolution = (
        resolutions_for_user(user)
        .filter(pk=pk)
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .first()
    )
    if resolution is None:
        raise Http404
    return resolution


def get_closed_resolution_for_user(user, pk):
    resolution = get_resolution_for_user(user, pk)
    if resolution.status != Resolution.Status.CLOSED:
        raise Http404
    return resolution


def get_attachment_for_user(user, pk):
    attachment = (
        Attachment.objects.filter(
            pk=pk,
            resolution__community_id__in=owner_community_ids(user),
            resolution__status__in=[Resolution.Status.OPEN, Resolution.Status.CLOSED],
        )
        .select_related("resolution")
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment


def ballots_of_user(user, resolution):
    """The user's own ballots in a vote, with every holder and the vote that counts."""
    return list(
        Ballot.objects.filter(resolution=resolution, holders__user=user)
        .select_related("current__vote__user")
        .prefetch_related(
            Prefetch("holders", queryset=BallotUser.objects.select_related("user").order_by("pk"))
        )
        .order_by("premises_label", "pk")
    )


def may_vote_ids(user, ballots):
    return {b.pk for b in ballots for h in b.holders.all() if h.user_id == user.pk and h.may_vote}


def vote_list(resolution):
    return list(
        Ballot.objects.filter(resolution=resolution)
        .select_related("current__vote")
        .order_by("premises_label", "pk")
    )


def notice_of_user(user, resolution):
    return ResultNotice.objects.filter(resolution=resolution, user=user).first()


def consents_to_electronic_delivery(user):
    """Whether notices may be delivered to the user electronically: the consent the resident
    gives or withdraws in the profile (accounts.Consent, history kept)."""
    return consent_is_given(user, Consent.Kind.ELECTRONIC_DELIVERY)


def premises_to_vote(user, resolution_ids):
    """Per resolution, the user's ballots they may cast: [(premises, has a counted vote)]."""
    found: dict[int, list[tuple[str, bool]]] = {}
    for resolution_id, label, choice in (
        Ballot.objects.filter(
            resolution_id__in=resolution_ids, holders__user=user, holders__may_vote=True
        )
        .order_by("premises_label", "pk")
        .values_list("resolution_id", "premises_label", "current__choice")
    ):
        found.setdefault(resolution_id, []).append((label, choice is not None))
    return found


def unvoted_premises(user, resolution_ids):
    """Per resolution, the user's premises they may vote for that have no counted vote yet."""
    return {
        pk: unvoted
        for pk, rows in premises_to_vote(user, resolution_ids).items()
        if (unvoted := [label for label, voted in rows if not voted])
    }
