"""Demo resolutions: online voting in Wspólnota Mieszkaniowa Bobrecka 12 (5 premises), its
share register (flat 3 owned jointly by the spouses `wlasciciel` and `wspolwlasciciel`, the
garage by `wlasciciel` alone), one closed vote with its result and one open vote.
Safe to run twice: what exists is left alone."""

import datetime

from django.utils import timezone

from accounts.models import Account, Community, Premises, User
from resolutions import services
from resolutions.models import CommunityVotingSettings, Ownership, Resolution

COMMUNITY = "Wspólnota Mieszkaniowa Bobrecka 12"
CLOSED_TEXT = (
    "§ 1. Wspólnota Mieszkaniowa Bobrecka 12 postanawia wymienić instalację domofonową.\n"
    "§ 2. Koszt do 18 000 zł brutto pokrywa fundusz remontowy.\n"
    "§ 3. Uchwała wchodzi w życie z dniem podjęcia."
)
OPEN_TEXT = (
    "§ 1. Wspólnota Mieszkaniowa Bobrecka 12 postanawia docieplić ścianę północną budynku.\n"
    "§ 2. Zarządca przeprowadzi wybór wykonawcy w trybie zapytania ofertowego.\n"
    "§ 3. Uchwała wchodzi w życie z dniem podjęcia."
)


def _ownerships(community, users):
    created = 0
    for premises in Premises.objects.filter(building__community=community):
        if premises.ownerships.exists():
            continue
        account = Account.objects.filter(premises=premises).first()
        user = spouse = None
        kind = Ownership.Kind.SOLE
        if account and account.number == "2003":
            user, spouse, kind = users.get("wlasciciel"), users.get("wspolwlasciciel"), "marital"
        elif account and account.number == "2005":
            user = users.get("wlasciciel")
        Ownership.objects.create(
            premises=premises,
            kind=kind if spouse else Ownership.Kind.SOLE,
            owner_name=account.holder_name if account else str(premises),
            user=user,
            spouse=spouse,
            account=account,
        )
        created += 1
    return created


def seed_resolutions(*, today=None):
    community = Community.objects.filter(name=COMMUNITY).first()
    clerk = User.objects.filter(username="bok").first()
    if community is None or clerk is None:
        return {"resolutions": 0}
    users = {
        u.username: u for u in User.objects.filter(username__in=["wlasciciel", "wspolwlasciciel"])
    }
    CommunityVotingSettings.objects.get_or_create(
        community=community,
        defaults={"evoting_enabled": True, "enabling_resolution": "7/2025"},
    )
    counts = {"ownerships": _ownerships(community, users), "resolutions": 0}
    now = timezone.now()
    if not Resolution.objects.filter(community=community, number="1/2026").exists():
        start = now - datetime.timedelta(days=40)
        closed = Resolution.objects.create(
            community=community,
            number="1/2026",
            title="Wymiana instalacji domofonowej",
            text=CLOSED_TEXT,
            starts_at=start,
            ends_at=start + datetime.timedelta(days=14),
        )
        services.resolution_open(resolution_id=closed.pk, by=clerk, now=start)
        during = start + datetime.timedelta(days=2)
        ballots = list(closed.ballots.order_by("pk"))
        for i, ballot in enumerate(ballots):
            choice = "against" if i == len(ballots) - 2 else "for"
            holder = ballot.holders.filter(may_vote=True).first()
            if holder:
                services.vote_cast(
                    user=holder.user, resolution=closed, ballot=ballot, choice=choice, now=during
                )
            else:  # owners without a login voted on paper
                services.vote_cast_paper(
                    clerk=clerk, resolution=closed, ballot=ballot, choice=choice, now=during
                )
        services.resolution_close(resolution_id=closed.pk, by=clerk, now=closed.ends_at)
        counts["resolutions"] += 1
    if not Resolution.objects.filter(community=community, number="2/2026").exists():
        current = Resolution.objects.create(
            community=community,
            number="2/2026",
            title="Docieplenie ściany północnej",
            text=OPEN_TEXT,
            starts_at=now - datetime.timedelta(days=1),
            ends_at=now + datetime.timedelta(days=14),
        )
        services.resolution_open(resolution_id=current.pk, by=clerk, now=now)
        counts["resolutions"] += 1
    return counts
