"""Benchmark: the tally of a 1,000-premises community with every vote cast (goal ≤ 50 ms at the
median, one query), and the resolution page at a constant number of queries. Prints the
figures. Run on PostgreSQL by `make bench`."""

import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Premises, User
from resolutions.models import Channel, CurrentVote, Ownership, Vote
from resolutions.tally import tally
from tests.factories import BuildingFactory, UserFactory
from tests.resolutions.factories import community_with, opened, own
from tests.services import require_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
PREMISES = 1000
GOAL_MS = 50
CHOICES = ["for", "against", "abstain"]


def big_community():
    community, _ = community_with([], enabled=True)
    building = BuildingFactory(community=community)
    areas = [2500 + (i * 7919) % 5000 for i in range(PREMISES)]  # 25.00–74.99 m², hundredths
    total = sum(areas)
    premises = Premises.objects.bulk_create(
        Premises(
            building=building,
            number=str(i + 1),
            kind="residential",
            floor_area=area / 100,
            share_numerator=area,
            share_denominator=total,
        )
        for i, area in enumerate(areas)
    )
    users = User.objects.bulk_create(
        User(username=f"bench-owner-{i}", first_name="Jan", last_name=f"Nowak {i}")
        for i in range(PREMISES + PREMISES // 10)
    )
    rows = []
    for i, p in enumerate(premises[:-1]):
        if i % 10 == 0:  # every tenth premises has two fractional co-owners, 1/3 and 2/3
            extra = users[PREMISES + i // 10]
            rows += [
                Ownership(
                    premises=p,
                    kind="fractional",
                    fraction_numerator=1,
                    fraction_denominator=3,
                    owner_name="A",
                    user=users[i],
                ),
                Ownership(
                    premises=p,
                    kind="fractional",
                    fraction_numerator=2,
                    fraction_denominator=3,
                    owner_name="B",
                    user=extra,
                ),
            ]
        else:
            rows.append(Ownership(premises=p, owner_name="C", user=users[i]))
    Ownership.objects.bulk_create(rows)
    return community, premises


def test_tally_of_a_thousand_premises_and_the_page_queries(client):
    require_postgres()
    community, premises = big_community()
    reader = UserFactory()
    own(premises[-1], reader)  # the last premises was left without an owner for the reader
    resolution = opened(community)
    ballots = list(resolution.ballots.order_by("pk"))
    client.force_login(reader)
    url = reverse("resolutions:detail", args=[resolution.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200

    now = timezone.now()
    clerk = UserFactory(is_staff=True)
    votes = Vote.objects.bulk_create(
        Vote(
            resolution=resolution,
            ballot=b,
            user=clerk,
            choice=CHOICES[i % 3],
            channel=Channel.PAPER,
            weight_numerator=b.weight_numerator,
            weight_denominator=b.weight_denominator,
            text_hash=resolution.text_hash,
            cast_at=now,
        )
        for i, b in enumerate(ballots)
    )
    CurrentVote.objects.bulk_create(
        CurrentVote(ballot=v.ballot, resolution=resolution, vote=v, choice=v.choice) for v in votes
    )
    with CaptureQueriesContext(connection) as after:
        assert client.get(url).status_code == 200

    timings = []
    for _ in range(20):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            result = tally(resolution)
        timings.append((time.perf_counter() - started) * 1000)
    assert len(queries) == 1
    assert result.cast == len(ballots)
    assert result.not_voting == 0
    median = statistics.median(timings)
    print(
        f"\ntally of {PREMISES} premises ({len(ballots)} ballots, all cast): "
        f"median {median:.1f} ms, max {max(timings):.1f} ms (goal ≤ {GOAL_MS} ms), 1 query"
    )
    print(
        f"resolution page: {len(before.captured_queries)} queries before voting, "
        f"{len(after.captured_queries)} with {len(ballots)} votes cast"
    )
    assert median <= GOAL_MS
    assert len(after) == len(before)
