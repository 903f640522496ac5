"""Opening (freezing the register), window rules, refusals, closing, notices and the PDFs."""

import datetime
import io
from fractions import Fraction as F

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from messaging.models import Notification
from resolutions import documents, services
from resolutions.models import (
    CommunityVotingSettings,
    Ownership,
    Resolution,
    ResultNotice,
    Vote,
)
from resolutions.tally import tally
from resolutions.tasks import resolution_documents_render
from tests.factories import StaffFactory, UserFactory

from .factories import ballot_of, close, community_with, draft, opened, own, vote

pytestmark = pytest.mark.django_db


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def four():
    community, premises = community_with([(3, 10), (3, 10), (2, 10), (2, 10)])
    owners = [own(p) for p in premises]
    return community, premises, owners


def test_three_premises_cannot_enable_online_voting():
    community, _ = community_with([(1, 3)] * 3, enabled=False)
    settings = CommunityVotingSettings.objects.get(community=community)
    settings.evoting_enabled = True
    with pytest.raises(ValidationError) as error:
        settings.full_clean()
    assert "evoting_enabled" in error.value.message_dict


def test_opening_refuses_a_small_community_even_if_enabled_in_the_database():
    community, premises = community_with([(1, 3)] * 3)
    for p in premises:
        own(p)
    with pytest.raises(services.ResolutionError, match="3"):
        services.resolution_open(resolution_id=draft(community).pk, by=StaffFactory())
    assert Resolution.objects.get().status == "draft"


def test_opening_needs_online_voting_enabled_and_a_long_enough_window():
    community, premises = community_with([(1, 4)] * 4, enabled=False)
    for p in premises:
        own(p)
    with pytest.raises(services.ResolutionError):
        services.resolution_open(resolution_id=draft(community).pk, by=StaffFactory())
    CommunityVotingSettings.objects.filter(community=community).update(
        evoting_enabled=True, min_period_days=14
    )
    short = draft(community, number="4/2026", days=7)
    with pytest.raises(services.ResolutionError, match="14"):
        services.resolution_open(resolution_id=short.pk, by=StaffFactory())
    assert not short.ballots.exists()


def test_opening_notifies_every_owner_and_freezes_the_register(four):
    community, premises, owners = four
    resolution = opened(community)
    notified = Notification.objects.filter(link=f"/uchwaly/{resolution.pk}/")
    assert sorted(n.user_id for n in notified) == sorted(o.user_id for o in owners)
    assert resolution.text_hash == Resolution.hash_text(resolution.text)
    # The register changes after opening: a new co-owner, another share. The vote does not.
    Ownership.objects.filter(pk=owners[0].pk).update(
        kind="fractional", fraction_numerator=1, fraction_denominator=2
    )
    newcomer = own(premises[0], kind="fractional", part=(1, 2))
    premises[1].share_numerator = 9
    premises[1].save()
    assert resolution.ballots.count() == 4
    assert ballot_of(resolution, owners[0].user).weight == F(3, 10)
    assert not resolution.ballots.filter(holders__user=newcomer.user).exists()
    vote(resolution, owners[0].user, "for")
    vote(resolution, owners[1].user, "for")
    assert tally(resolution).for_ == F(3, 5)
    with pytest.raises(services.NotEntitled):
        vote(resolution, newcomer.user, "for", ballot=ballot_of(resolution, owners[0].user))


def test_window_rules(four):
    community, _, owners = four
    later = draft(
        community,
        starts_at=timezone.now() + datetime.timedelta(days=1),
        ends_at=timezone.now() + datetime.timedelta(days=15),
    )
    services.resolution_open(resolution_id=later.pk, by=StaffFactory())
    with pytest.raises(services.VotingClosed):
        vote(later, owners[0].user, "for")
    resolution = opened(community, number="5/2026")
    vote(resolution, owners[0].user, "for")
    with pytest.raises(services.VotingClosed):
        services.vote_cast(
            user=owners[1].user,
            resolution=resolution,
            ballot=ballot_of(resolution, owners[1].user),
            choice="for",
            now=resolution.ends_at,  # the window is [start, end)
        )
    close(resolution)
    with pytest.raises(services.VotingClosed):
        vote(resolution, owners[0].user, "against")
    assert Vote.objects.filter(resolution=resolution).count() == 1


def test_a_draft_cannot_be_voted_on(four):
    community, premises, owners = four
    resolution = draft(community)
    ballot_free = opened(community, number="6/2026").ballots.first()
    with pytest.raises(services.ResolutionError):
        services.vote_cast(
            user=owners[0].user, resolution=resolution, ballot=ballot_free, choice="for"
        )


def test_strangers_and_bad_choices_are_refused(four):
    community, _, owners = four
    resolution = opened(community)
    stranger = UserFactory()
    ballot = ballot_of(resolution, owners[0].user)
    with pytest.raises(services.NotEntitled):
        services.vote_cast(user=stranger, resolution=resolution, ballot=ballot, choice="for")
    with pytest.raises(services.NotEntitled):  # an owner, but not of this premises
        services.vote_cast(user=owners[1].user, resolution=resolution, ballot=ballot, choice="for")
    with pytest.raises(services.ResolutionError):
        services.vote_cast(user=owners[0].user, resolution=resolution, ballot=ballot, choice="yes")
    with pytest.raises(services.NotEntitled):  # a resident cannot enter paper ballots
        services.vote_cast_paper(
            clerk=owners[0].user, resolution=resolution, ballot=ballot, choice="for"
        )
    assert not Vote.objects.exists()


def test_a_vote_records_the_weight_and_the_hash_of_the_text(four):
    community, _, owners = four
    resolution = opened(community)
    logged = vote(resolution, owners[0].user, "for")
    assert (logged.weight_numerator, logged.weight_denominator) == (3, 10)
    assert logged.text_hash == resolution.text_hash
    assert logged.channel == "online"


def test_closing_before_the_end_is_refused_and_closing_twice_does_nothing(four):
    community, _, owners = four
    resolution = opened(community)
    with pytest.raises(services.ResolutionError):
        services.resolution_close(resolution_id=resolution.pk, by=StaffFactory())
    vote(resolution, owners[0].user, "for")
    after = resolution.ends_at + datetime.timedelta(minutes=1)
    assert services.resolutions_close_ended(now=after) == 1
    assert services.resolutions_close_ended(now=after) == 0
    resolution.refresh_from_db()
    assert (resolution.status, resolution.result) == ("closed", "rejected")
    assert resolution.closed_by is None
    assert ResultNotice.objects.filter(resolution=resolution).count() == 4


def test_result_notices_electronic_for_consent_letters_for_the_rest(four, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    community, _, owners = four
    services.consent_set(user=owners[0].user, given=True)
    services.consent_set(user=owners[1].user, given=True)
    services.consent_set(user=owners[1].user, given=False)  # withdrawn
    resolution = opened(community)
    for owner in owners[:3]:
        vote(resolution, owner.user, "for")
    clerk = StaffFactory(first_name="Ewa", last_name="Mazur")
    last_before_closing = Notification.objects.order_by("-pk").values_list("pk", flat=True)[0]
    closed = close(resolution, by=clerk)
    assert closed.result == "adopted"
    electronic = ResultNotice.objects.get(user=owners[0].user)
    assert electronic.channel == "electronic"
    closing_day = timezone.localdate(closed.closed_at)
    assert electronic.notified_at == closing_day
    assert electronic.challenge_deadline == closing_day + datetime.timedelta(days=42)
    told = Notification.objects.filter(pk__gt=last_before_closing)
    assert [n.user for n in told] == [owners[0].user]  # e-BOK now, e-mail after commit
    assert told[0].email_status == "pending"
    letters = ResultNotice.objects.filter(resolution=resolution, channel="letter")
    assert {n.user for n in letters} == {o.user for o in owners[1:]}
    assert all(n.notified_at is None for n in letters)
    # The task queued on commit renders the protocol and one letter page per owner.
    assert resolution_documents_render(closed.pk) is True
    closed.refresh_from_db()
    assert closed.protocol
    assert closed.letters
    letters_pdf = PdfReader(closed.letters.open("rb"))
    assert len(letters_pdf.pages) == 3
    pages = [page.extract_text() for page in letters_pdf.pages]
    for owner in owners[1:]:  # one page each, in whatever order the names sort
        assert sum(owner.user.get_full_name() in text for text in pages) == 1
    # A clerk records the delivery: the owner's challenge clock starts.
    day = timezone.localdate() + datetime.timedelta(days=3)
    assert services.letters_mark_delivered(notice_ids=[n.pk for n in letters], on=day) == 3
    deadline = ResultNotice.objects.get(user=owners[3].user).challenge_deadline
    assert deadline == day + datetime.timedelta(weeks=6)


def test_protocol_pdf_has_the_facts_the_votes_and_the_totals(four, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    community, _, owners = four
    resolution = opened(community, number="7/2026", title="Wymiana wind")
    vote(resolution, owners[0].user, "for")
    vote(resolution, owners[2].user, "against")
    services.vote_cast_paper(
        clerk=StaffFactory(),
        resolution=resolution,
        ballot=ballot_of(resolution, owners[3].user),
        choice="abstain",
    )
    clerk = StaffFactory(first_name="Ewa", last_name="Mazur")
    closed = close(resolution, by=clerk)
    _name, content_type, content = documents.render_protocol(closed)
    assert content_type == "application/pdf"
    text = pdf_text(content)
    for expected in (
        community.name,
        "7/2026",
        "Wymiana wind",
        resolution.text_hash,
        "3/10 (30,00%)",  # owner 0's share and its part of the total 10/10
        "2/10 (20,00%)",  # owner 3's share 2/10 (1/5) over the vote's one denominator, 10
        "10/10",  # all shares of the community
        owners[0].owner_name,
        "Ewa Mazur",
        "30,00",
        "20,00",
    ):
        assert expected in text, expected
    # Stored once; regenerated when the file is missing.
    stored = documents.protocol_ensure(closed)
    name = stored.name
    assert documents.protocol_ensure(Resolution.objects.get(pk=closed.pk)).name == name
    stored.storage.delete(name)
    again = documents.protocol_ensure(Resolution.objects.get(pk=closed.pk))
    assert again.storage.exists(again.name)
