"""Hand-computed tallies: the arithmetic first, then the same cases through the services."""

from fractions import Fraction as F

import pytest

from resolutions import services
from resolutions.models import Channel, CountingRule
from resolutions.tally import count, tally
from tests.factories import StaffFactory, UserFactory

from .factories import ballot_of, close, community_with, opened, own, vote

SHARES, HEADS, CAST = CountingRule.SHARES, CountingRule.HEADS, CountingRule.CAST


# -- pure arithmetic ---------------------------------------------------------------------------


def test_exactly_half_for_does_not_pass():
    result = count(SHARES, F(1), [(1, 4, "for"), (1, 4, "for"), (1, 4, "against"), (1, 4, None)])
    assert result.for_ == F(1, 2)
    assert not result.adopted


def test_a_hair_over_half_passes():
    result = count(SHARES, F(1), [(500001, 1000000, "for"), (499999, 1000000, None)])
    assert result.adopted


def test_non_voters_and_abstainers_count_against():
    # 40% for, 10% against, 20% abstain, 30% did not vote: for is the largest group, yet fails.
    rows = [(40, 100, "for"), (10, 100, "against"), (20, 100, "abstain"), (30, 100, None)]
    result = count(SHARES, F(1), rows)
    assert (result.for_, result.against, result.abstain, result.not_voting) == (
        F(2, 5),
        F(1, 10),
        F(1, 5),
        F(3, 10),
    )
    assert not result.adopted
    assert result.percents == {
        "for": 40,
        "against": 10,
        "abstain": 20,
        "not_voting": 30,
        "turnout": 70,
    }
    # The same votes under the pending reform's rule (majority of the shares cast) pass.
    assert count(CAST, F(1), rows).adopted


def test_premises_without_an_owner_in_the_register_count_as_not_voting():
    result = count(SHARES, F(1), [(3, 10, "for"), (3, 10, "for")])  # 4/10 has no ballot
    assert result.not_voting == F(2, 5)
    assert result.adopted  # 6/10 > 1/2


def test_every_share_reads_over_the_votes_one_denominator():
    # 1257/5062 and 543/2531: the least common multiple of 5062 and 2531 is 5062.
    result = count(SHARES, F(1), [(1257, 5062, "for"), (543, 2531, "against"), (2719, 5062, None)])
    assert result.unit == 5062
    assert result.over_unit(F(543, 2531)) == "1086/5062"
    assert result.over_unit(result.for_) == "1257/5062"
    assert result.over_unit(result.total) == "5062/5062"
    assert result.over_unit(result.not_voting) == "2719/5062"  # 5062 - 1257 - 1086
    # one owner, one vote: whole numbers of owners
    heads = count(HEADS, F(5), [(1, 1, "for"), (1, 1, "for"), (1, 1, None)])
    assert (heads.unit, heads.over_unit(heads.for_), heads.over_unit(heads.total)) == (1, "2", "5")


def test_percent_is_rounded_half_up_for_display_only():
    result = count(SHARES, F(3), [(1, 1, "for"), (2, 1, None)])
    assert result.for_ == F(1)
    assert str(result.percents["for"]) == "33.33"
    assert str(count(SHARES, F(8), [(1, 1, "for")]).percents["for"]) == "12.50"
    assert str(count(SHARES, F(200000), [(1, 1, "for")]).percents["for"]) == "0.00"
    assert str(count(SHARES, F(40000), [(1, 1, "for")]).percents["for"]) == "0.00"
    assert str(count(SHARES, F(1, 1), [(5, 1000, "for")]).percents["for"]) == "0.50"


# -- through the services -------------------------------------------------------------------


pytestmark = pytest.mark.django_db


def test_shares_that_do_not_sum_to_one():
    # 30 + 30 + 20 + 19 hundredths: all shares are 99/100, half of them 99/200.
    community, premises = community_with([(30, 100), (30, 100), (20, 100), (19, 100)])
    a, b, c, d = (own(p) for p in premises)
    resolution = opened(community)
    assert resolution.total == F(99, 100)
    vote(resolution, a.user, "for")
    vote(resolution, c.user, "for")
    vote(resolution, b.user, "against")
    result = tally(resolution)
    assert result.for_ == F(1, 2)  # 50/100 > 99/200: passes, though it is exactly half of 1
    assert result.not_voting == F(19, 100)
    assert result.adopted
    assert str(result.percents["for"]) == "50.51"  # 50/99


def test_exactly_half_for_through_the_services_is_rejected():
    community, premises = community_with([(1, 4)] * 4)
    owners = [own(p) for p in premises]
    resolution = opened(community)
    vote(resolution, owners[0].user, "for")
    vote(resolution, owners[1].user, "for")
    vote(resolution, owners[2].user, "against")
    closed = close(resolution)
    assert closed.result == "rejected"


def test_fractional_co_owners_vote_separately_with_their_part():
    # Premises 1 has 2/5 of the community; its co-owners hold 1/3 and 2/3 of it.
    community, premises = community_with([(2, 5), (1, 5), (1, 5), (1, 5)])
    small = own(premises[0], kind="fractional", part=(1, 3))
    large = own(premises[0], kind="fractional", part=(2, 3))
    others = [own(p) for p in premises[1:]]
    resolution = opened(community)
    assert resolution.ballots.count() == 5
    vote(resolution, small.user, "for")  # 2/15
    vote(resolution, large.user, "against")  # 4/15
    vote(resolution, others[0].user, "for")  # 3/15
    vote(resolution, others[1].user, "for")  # 3/15
    result = tally(resolution)
    assert result.for_ == F(8, 15)
    assert result.against == F(4, 15)
    assert result.not_voting == F(3, 15)
    assert result.adopted  # 8/15 > 1/2


def test_spouses_share_one_vote_and_the_last_cast_counts():
    community, premises = community_with([(3, 10), (3, 10), (2, 10), (2, 10)])
    husband, wife = UserFactory(), UserFactory()
    own(premises[0], husband, spouse=wife)
    for p in premises[1:]:
        own(p)
    resolution = opened(community)
    ballot = ballot_of(resolution, husband)
    assert ballot == ballot_of(resolution, wife)
    vote(resolution, husband, "for")
    vote(resolution, wife, "against")
    result = tally(resolution)
    assert (result.for_, result.against) == (0, F(3, 10))  # one ballot, counted once
    assert ballot.votes.count() == 2
    assert ballot.current.vote.user == wife


def test_an_owner_of_two_premises_votes_for_each():
    community, premises = community_with([(35, 100), (20, 100), (25, 100), (20, 100)])
    owner = UserFactory()
    own(premises[0], owner)
    own(premises[1], owner)
    own(premises[2])
    own(premises[3])
    resolution = opened(community)
    flat, garage = resolution.ballots.filter(holders__user=owner).order_by("weight_numerator")
    vote(resolution, owner, "for", ballot=garage)  # 1/5
    assert not tally(resolution).adopted
    vote(resolution, owner, "for", ballot=flat)  # + 7/20 = 11/20
    assert tally(resolution).for_ == F(11, 20)
    assert tally(resolution).adopted


def test_one_owner_one_vote_with_a_proxy_for_the_co_owners():
    # Five premises, four owners: a person with two flats is one owner; the two co-owners of
    # premises 3 are one owner voting through their proxy.
    community, premises = community_with([(1, 5)] * 5, rule=HEADS)
    twice = UserFactory()
    own(premises[0], twice)
    own(premises[1], twice)
    proxy = own(premises[2], kind="fractional", part=(1, 2), proxy=True)
    other = own(premises[2], kind="fractional", part=(1, 2))
    third = own(premises[3])
    fourth = own(premises[4])
    resolution = opened(community)
    assert resolution.counting_rule == HEADS
    assert resolution.total == 4
    assert resolution.ballots.count() == 4
    with pytest.raises(services.NotEntitled):
        vote(resolution, other.user, "against")  # only the proxy casts the co-owners' vote
    vote(resolution, proxy.user, "for")
    vote(resolution, twice, "for")
    assert not tally(resolution).adopted  # 2 of 4 owners: exactly half
    vote(resolution, third.user, "for")
    vote(resolution, fourth.user, "against")
    result = tally(resolution)
    assert (result.for_, result.against) == (3, 1)
    assert result.adopted


def test_the_municipality_votes_through_a_clerk_on_paper():
    community, premises = community_with([(40, 100), (20, 100), (20, 100), (20, 100)])
    municipal = own(premises[0], municipality=True)
    residents = [own(p) for p in premises[1:]]
    resolution = opened(community)
    ballot = resolution.ballots.get(is_municipality=True)
    assert municipal.owner_name == ballot.owner_label
    clerk = StaffFactory()
    services.vote_cast_paper(clerk=clerk, resolution=resolution, ballot=ballot, choice="for")
    vote(resolution, residents[0].user, "for")
    result = tally(resolution)
    assert result.for_ == F(3, 5)
    assert result.adopted
    logged = ballot.votes.get()
    assert (logged.channel, logged.user) == (Channel.PAPER, clerk)


def test_paper_ballots_mix_with_online_votes_and_a_later_one_replaces_the_earlier():
    community, premises = community_with([(1, 4)] * 4)
    owners = [own(p) for p in premises]
    resolution = opened(community)
    clerk = StaffFactory()
    paper = ballot_of(resolution, owners[0].user)
    services.vote_cast_paper(clerk=clerk, resolution=resolution, ballot=paper, choice="against")
    vote(resolution, owners[1].user, "for")
    vote(resolution, owners[2].user, "for")
    assert tally(resolution).against == F(1, 4)
    vote(resolution, owners[0].user, "for")  # the owner changes the paper vote online
    result = tally(resolution)
    assert (result.for_, result.against) == (F(3, 4), 0)
    assert [v.channel for v in paper.votes.order_by("pk")] == ["paper", "online"]


def test_a_changed_vote_counts_once_with_its_last_choice():
    community, premises = community_with([(3, 5), (2, 15), (2, 15), (2, 15)])
    big, *small = (own(p) for p in premises)
    resolution = opened(community)
    vote(resolution, big.user, "for")
    vote(resolution, big.user, "abstain")
    vote(resolution, big.user, "against")
    result = tally(resolution)
    assert (result.for_, result.against, result.abstain) == (0, F(3, 5), 0)
    assert resolution.votes.count() == 3
    vote(resolution, big.user, "for")
    assert tally(resolution).adopted
