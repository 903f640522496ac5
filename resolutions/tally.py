"""Counting the votes: pure arithmetic on exact fractions, plus one query to load the rows.

By shares (art. 23 ust. 2 uwl) a resolution passes when the shares for exceed half of all
shares of the community; against, abstaining and not voting all count against, and exactly
half does not pass. One owner, one vote: the owners for exceed half of all owners. Majority of
the shares cast (the pending reform, a per-community setting): for exceeds against."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import lcm

from .models import Ballot, Choice, CountingRule

HALF = Fraction(1, 2)


@dataclass(frozen=True)
class Tally:
    rule: str
    total: Fraction  # all shares of the community (or all owners)
    for_: Fraction
    against: Fraction
    abstain: Fraction
    not_voting: Fraction
    ballots: int
    cast: int  # ballots with a current vote
    # The one denominator every share of the vote is shown over (5062 for 1257/5062 and
    # 543/2531): the least common multiple of the total's and the ballots' denominators.
    unit: int = 1

    @property
    def adopted(self):
        if self.rule == CountingRule.CAST:
            return self.for_ > self.against
        return self.total > 0 and self.for_ > self.total * HALF

    @property
    def turnout(self):
        """The weight that has voted, as a part of the total."""
        if not self.total:
            return Fraction(0)
        return (self.for_ + self.against + self.abstain) / self.total

    def over_unit(self, part):
        """A part as numerator/unit, e.g. 1086/5062 for 543/2531 (whole owners and 0 as numbers)."""
        if self.unit == 1 or not part:
            return str(part.numerator // part.denominator)
        return f"{part.numerator * (self.unit // part.denominator)}/{self.unit}"

    def percent(self, part):
        """A part of the total in percent, rounded half up to 2 places: for display only."""
        if not self.total:
            return Decimal("0.00")
        value = part * 100 / self.total
        return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )

    @property
    def percents(self):
        return {
            "for": self.percent(self.for_),
            "against": self.percent(self.against),
            "abstain": self.percent(self.abstain),
            "not_voting": self.percent(self.not_voting),
            "turnout": self.percent(self.for_ + self.against + self.abstain),
        }


def _exact_sum(pairs):
    """Sum of numerator/denominator pairs, grouped by denominator: far fewer gcds than adding
    Fractions one by one."""
    by_denominator = defaultdict(int)
    for numerator, denominator in pairs:
        by_denominator[denominator] += numerator
    if not by_denominator:
        return Fraction(0)
    common = lcm(*by_denominator)
    return Fraction(sum(n * (common // d) for d, n in by_denominator.items()), common)


def count(rule, total, rows):
    """rows: (weight numerator, weight denominator, choice or None) of every ballot."""
    groups = {Choice.FOR: [], Choice.AGAINST: [], Choice.ABSTAIN: [], None: []}
    denominators = {total.denominator}
    for numerator, denominator, choice in rows:
        groups[choice].append((numerator, denominator))
        denominators.add(Fraction(numerator, denominator).denominator)
    for_ = _exact_sum(groups[Choice.FOR])
    against = _exact_sum(groups[Choice.AGAINST])
    abstain = _exact_sum(groups[Choice.ABSTAIN])
    # Not voting: everything that did not vote, including premises without a ballot.
    not_voting = total - for_ - against - abstain
    ballots = sum(len(g) for g in groups.values())
    return Tally(
        rule=rule,
        total=total,
        for_=for_,
        against=against,
        abstain=abstain,
        not_voting=not_voting,
        ballots=ballots,
        cast=ballots - len(groups[None]),
        unit=lcm(*denominators),
    )


def tally(resolution):
    """The tally of a resolution that has been opened: one query."""
    rows = Ballot.objects.filter(resolution=resolution).values_list(
        "weight_numerator", "weight_denominator", "current__choice"
    )
    return count(resolution.counting_rule, resolution.total, rows)
