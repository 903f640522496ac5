"""Simultaneous casts on PostgreSQL, with real threads: 50 casts for one ballot leave one
counted vote and 50 log rows; a cast racing the closing never counts after the count."""

import datetime

import pytest
from django.utils import timezone

from resolutions import services
from resolutions.models import CurrentVote, Vote
from resolutions.tally import tally
from tests.factories import UserFactory
from tests.integration.test_concurrency import run_at_once
from tests.services import require_postgres

from .factories import ballot_of, community_with, opened, own

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CHOICES = ["for", "against", "abstain"]


def test_fifty_simultaneous_casts_for_one_ballot_leave_one_counted_vote():
    require_postgres()
    community, premises = community_with([(1, 4)] * 4)
    husband, wife = UserFactory(), UserFactory()
    own(premises[0], husband, spouse=wife)
    for p in premises[1:]:
        own(p)
    resolution = opened(community)
    ballot = ballot_of(resolution, husband)

    def cast(i):
        return services.vote_cast(
            user=(husband, wife)[i % 2],
            resolution=resolution,
            ballot=ballot,
            choice=CHOICES[i % 3],
        )

    results = run_at_once([lambda i=i: cast(i) for i in range(50)])
    failed = [r for r in results if not isinstance(r, Vote)]
    assert not failed, failed
    assert Vote.objects.filter(ballot=ballot).count() == 50
    current = CurrentVote.objects.get(ballot=ballot)
    # The counted vote is the last one logged, and the log is in the order of the casts.
    last = Vote.objects.filter(ballot=ballot).order_by("-cast_at", "-pk").first()
    assert current.vote_id == last.pk
    assert current.choice == last.choice
    result = tally(resolution)
    assert result.for_ + result.against + result.abstain == ballot.weight


def test_casts_racing_the_close_are_either_counted_or_refused():
    require_postgres()
    community, premises = community_with([(1, 4)] * 4)
    owners = [own(p) for p in premises]
    resolution = opened(community)
    end = timezone.now() + datetime.timedelta(seconds=1)
    type(resolution).objects.filter(pk=resolution.pk).update(ends_at=end)
    resolution.refresh_from_db()

    def cast(owner):
        return services.vote_cast(
            user=owner.user,
            resolution=resolution,
            ballot=ballot_of(resolution, owner.user),
            choice="for",
            now=end - datetime.timedelta(milliseconds=1),
        )

    def close():
        return services.resolution_close(resolution_id=resolution.pk, now=end)

    results = run_at_once([close] + [lambda o=o: cast(o) for o in owners])
    assert results[0] is True
    counted = [r for r in results[1:] if isinstance(r, Vote)]
    refused = [r for r in results[1:] if isinstance(r, services.VotingClosed)]
    assert len(counted) + len(refused) == 4, results
    resolution.refresh_from_db()
    # The result fixed at closing matches the votes that were counted before it.
    assert (resolution.result == "adopted") == (len(counted) >= 3)
