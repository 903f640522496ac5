"""A community with a share register, and votes on it, for resolution tests."""

import datetime
from fractions import Fraction

from django.utils import timezone

from accounts.models import Account
from resolutions import services
from resolutions.models import CommunityVotingSettings, CountingRule, Ownership, Resolution
from tests.factories import (
    AccessFactory,
    AccountFactory,
    BuildingFactory,
    CommunityFactory,
    PremisesFactory,
    UserFactory,
)

OWNERSHIP = Account.Kind.COMMUNITY_OWNERSHIP


def community_with(shares, rule=CountingRule.SHARES, enabled=True):
    """A community whose premises have the given shares [(numerator, denominator)]."""
    community = CommunityFactory()
    building = BuildingFactory(community=community)
    premises = [
        PremisesFactory(building=building, share_numerator=n, share_denominator=d)
        for n, d in shares
    ]
    CommunityVotingSettings.objects.create(
        community=community,
        evoting_enabled=enabled,
        enabling_resolution="1/2025",
        counting_rule=rule,
    )
    return community, premises


def owner_account(user, premises):
    """An ownership account of the premises the user may act for (what makes them see)."""
    account = Account.objects.filter(premises=premises, kind=OWNERSHIP).first()
    if account is None:
        account = AccountFactory(premises=premises, kind=OWNERSHIP)
    AccessFactory(user=user, account=account)
    return account


def own(
    premises,
    user=None,
    *,
    kind=Ownership.Kind.SOLE,
    part=(1, 1),
    spouse=None,
    municipality=False,
    proxy=False,
    name=None,
):
    if user is None and not municipality:
        user = UserFactory()
    if user is not None:
        owner_account(user, premises)
    if spouse is not None:
        kind = Ownership.Kind.MARITAL
        owner_account(spouse, premises)
    return Ownership.objects.create(
        premises=premises,
        kind=kind,
        fraction_numerator=part[0],
        fraction_denominator=part[1],
        owner_name=name or ("Gmina Cieszyn" if municipality else user.get_full_name()),
        user=user,
        spouse=spouse,
        is_municipality=municipality,
        is_proxy=proxy,
    )


def draft(community, number="3/2026", days=14, **kwargs):
    now = timezone.now()
    return Resolution.objects.create(
        community=community,
        number=number,
        title=kwargs.pop("title", "Remont dachu"),
        text=kwargs.pop("text", "Wspólnota postanawia wyremontować dach w 2026 roku."),
        starts_at=kwargs.pop("starts_at", now - datetime.timedelta(hours=1)),
        ends_at=kwargs.pop("ends_at", now + datetime.timedelta(days=days)),
        **kwargs,
    )


def opened(community, **kwargs):
    clerk = kwargs.pop("clerk", None) or UserFactory(is_staff=True)
    resolution = draft(community, **kwargs)
    return services.resolution_open(resolution_id=resolution.pk, by=clerk)


def close(resolution, by=None):
    services.resolution_close(
        resolution_id=resolution.pk,
        by=by,
        now=resolution.ends_at + datetime.timedelta(seconds=1),
    )
    resolution.refresh_from_db()
    return resolution


def ballot_of(resolution, user):
    return resolution.ballots.filter(holders__user=user).get()


def vote(resolution, user, choice, ballot=None):
    return services.vote_cast(
        user=user,
        resolution=resolution,
        ballot=ballot or ballot_of(resolution, user),
        choice=choice,
    )


F = Fraction


def community_in_vote(user, past=False, votes_for=0):
    """A four-premises community in which `user` owns the first premises, with an open vote
    (its window already over when `past`, ready to be closed)."""
    community, premises = community_with([(1, 4)] * 4)
    own(premises[0], user)
    for p in premises[1:]:
        own(p)
    resolution = opened(community)
    for ballot in resolution.ballots.order_by("pk")[:votes_for]:
        vote(resolution, ballot.holders.first().user, "for", ballot=ballot)
    if past:
        Resolution.objects.filter(pk=resolution.pk).update(
            ends_at=timezone.now() - datetime.timedelta(minutes=1),
            starts_at=timezone.now() - datetime.timedelta(days=15),
        )
        resolution.refresh_from_db()
    return resolution
