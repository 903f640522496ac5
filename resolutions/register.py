"""From the share register to the ballots of one vote (the register frozen at opening).

By shares, every ownership is a ballot: a sole owner with the premises' share, each fractional
co-owner with (their part × the share), spouses with one ballot either may cast, the
municipality with its unsold premises. One owner, one vote: every distinct owner (a person, the
spouses together, the co-owners of a premises together, the municipality) is one ballot of
weight 1, whatever the number of premises; co-owners vote through their appointed proxy."""

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from django.utils.translation import gettext as _

from .models import CountingRule, Ownership, community_premises


class RegisterIncomplete(Exception):
    pass


@dataclass
class PlannedBallot:
    premises: object  # None when one owner votes for several premises
    premises_label: str
    owner_label: str
    weight: Fraction
    is_municipality: bool = False
    postal_address: str = ""
    voters: list = field(default_factory=list)  # users who may cast it
    others: list = field(default_factory=list)  # owners who only see it and are notified


def _premises_label(premises):
    return f"{premises.building.street} / {premises.number}"


def _address(ownership):
    premises = ownership.premises
    building = premises.building
    return ownership.postal_address or (
        f"{building.street} / {premises.number}, {building.postal_code} {building.city}"
    )


def freeze(community_id, rule):
    """(total, [PlannedBallot]) of a community now; RegisterIncomplete when it cannot be used."""
    premises = list(community_premises(community_id).select_related("building"))
    missing = [p for p in premises if p.share is None]
    if missing:
        raise RegisterIncomplete(
            _("These premises have no share in the common property: %(list)s.")
            % {"list": ", ".join(_premises_label(p) for p in missing)}
        )
    ownerships = defaultdict(list)
    for ownership in (
        Ownership.objects.filter(premises__in=premises)
        .select_related("user", "spouse")
        .order_by("pk")
    ):
        ownerships[ownership.premises_id].append(ownership)
    for p in premises:
        parts = sum((o.fraction for o in ownerships[p.pk]), Fraction(0))
        if parts > 1:
            raise RegisterIncomplete(
                _("The owners' parts of %(premises)s add up to more than the whole.")
                % {"premises": _premises_label(p)}
            )
    if not any(ownerships.values()):
        raise RegisterIncomplete(_("The share register has no owners."))
    if rule == CountingRule.HEADS:
        ballots = _owners(premises, ownerships)
        return Fraction(len(ballots)), ballots
    total = sum((p.share for p in premises), Fraction(0))
    ballots = []
    for p in premises:
        for o in ownerships[p.pk]:
            ballots.append(
                PlannedBallot(
                    premises=p,
                    premises_label=_premises_label(p),
                    owner_label=_owner_label(o),
                    weight=o.fraction * p.share,
                    is_municipality=o.is_municipality,
                    postal_address=_address(o),
                    voters=o.users,
                )
            )
    return total, ballots


def _owner_label(ownership):
    label = ownership.owner_name
    if ownership.kind == Ownership.Kind.FRACTIONAL:
        label += f" ({ownership.fraction_numerator}/{ownership.fraction_denominator})"
    return label


def _identity(ownership):
    if ownership.is_municipality:
        return [("municipality",)]
    if ownership.user_id is None:
        return [("name", ownership.owner_name)]
    return [("user", u.pk) for u in ownership.users]


def _owners(premises, ownerships):
    """One ballot per distinct owner; an owner is the set of everyone who owns a premises."""
    groups = {}
    for p in premises:
        rows = ownerships[p.pk]
        if not rows:
            continue
        key = frozenset(part for o in rows for part in _identity(o))
        group = groups.get(key)
        if group is None:
            group = groups[key] = PlannedBallot(
                premises=p,
                premises_label=_premises_label(p),
                owner_label=", ".join(_owner_label(o) for o in rows),
                weight=Fraction(1),
                is_municipality=any(o.is_municipality for o in rows),
                postal_address=_address(rows[0]),
            )
        else:
            group.premises = None
            group.premises_label += f"; {_premises_label(p)}"
        if len(rows) == 1:
            voters = rows[0].users  # a sole owner, or either spouse
        else:
            voters = [u for o in rows if o.is_proxy for u in o.users]
        everyone = [u for o in rows for u in o.users]
        for user in voters:
            if user not in group.voters:
                group.voters.append(user)
        for user in everyone:
            if user not in group.voters and user not in group.others:
                group.others.append(user)
    for group in groups.values():
        group.others = [u for u in group.others if u not in group.voters]
    return list(groups.values())
