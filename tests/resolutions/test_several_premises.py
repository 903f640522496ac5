"""An owner of several premises (#31): the resolution page and the list name the premises still
without a vote, and one form casts the same vote for all of them, each premises still its own
ballot (its own log row, its own confirmation). Shares read over the vote's one denominator with
a percentage; the turnout says how many ballots and what part of the shares.

The community: flat 1257/5062, garage 543/2531 (= 1086/5062), two more premises 1500/5062
(= 750/2531) and 1219/5062; 1257 + 1086 + 1500 + 1219 = 5062, so all shares are 5062/5062."""

import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from messaging.models import Notification
from resolutions import documents, services
from resolutions.models import CurrentVote, Vote
from tests.factories import StaffFactory, UserFactory

from .factories import ballot_of, close, community_with, opened, own, owner_account, vote

pytestmark = pytest.mark.django_db

SHARES = [(1257, 5062), (543, 2531), (1500, 5062), (1219, 5062)]


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " ").strip()


@pytest.fixture
def owner_of_two():
    """Jan owns the flat and the garage; the two other premises have an owner each."""
    community, premises = community_with(SHARES)
    owner = UserFactory(first_name="Jan", last_name="Nowak", email="jan@example.pl")
    own(premises[0], owner)
    own(premises[1], owner)
    others = [own(p).user for p in premises[2:]]
    resolution = opened(community)
    flat, garage = (resolution.ballots.get(premises=p) for p in premises[:2])
    return resolution, owner, flat, garage, others


def detail(client, resolution):
    return client.get(reverse("resolutions:detail", args=[resolution.pk])).content.decode()


def vote_all(client, resolution, ballots, choice=None):
    data = {"ballots": [str(b.pk) for b in ballots]}
    if choice:
        data["all-choice"] = choice
    return client.post(reverse("resolutions:vote_all", args=[resolution.pk]), data)


def unvoted_section(page):
    found = re.search(r'<section class="card unvoted" id="unvoted".*?</section>', page, re.S)
    return found.group(0) if found else None


def test_after_voting_for_the_flat_the_garage_is_pointed_to(client, owner_of_two):
    resolution, owner, flat, garage, _others = owner_of_two
    client.force_login(owner)
    url = reverse("resolutions:vote", args=[resolution.pk])
    response = client.post(url, {"ballot": flat.pk, f"b{flat.pk}-choice": "for"}, follow=True)
    page = response.content.decode()
    assert f"Bez głosu pozostają jeszcze: {garage.premises_label}." in text(page)
    section = unvoted_section(page)
    assert garage.premises_label in section
    assert flat.premises_label not in section
    # the vote just cast is offered for the rest
    assert re.search(r'<input type="radio" name="all-choice" value="for"[^>]*checked', section)
    assert "Oddaj 1 głos" in text(section)
    # 1 of 4 ballots, 1257/5062 = 24,83% of the shares
    assert "Oddano 1 z 4 kart; to 24,83% udziałów." in text(page)
    # each share over the one denominator 5062, with its percentage
    assert "udział 1257/5062 (24,83% wszystkich udziałów)" in text(page)
    assert "udział 1086/5062 (21,45% wszystkich udziałów)" in text(page)  # 543/2531
    assert "543/2531" not in page

    index = client.get(reverse("resolutions:index")).content.decode()
    assert f"Bez głosu: {garage.premises_label}." in text(index)


def test_one_vote_for_both_premises_is_two_ballots_with_two_confirmations(
    client, owner_of_two, django_capture_on_commit_callbacks, eager_tasks
):
    resolution, owner, flat, garage, _others = owner_of_two
    client.force_login(owner)
    assert "Oddaj 2 głosy" in text(unvoted_section(detail(client, resolution)))
    with django_capture_on_commit_callbacks(execute=True):
        response = vote_all(client, resolution, [flat, garage], "against")
    assert response.status_code == 302

    votes = Vote.objects.filter(resolution=resolution)
    assert {v.ballot_id: (v.user, v.choice, v.channel) for v in votes} == {
        flat.pk: (owner, "against", "online"),
        garage.pk: (owner, "against", "online"),
    }
    weights = {v.ballot_id: (v.weight_numerator, v.weight_denominator) for v in votes}
    assert weights == {flat.pk: (1257, 5062), garage.pk: (543, 2531)}
    assert {c.ballot_id: c.choice for c in CurrentVote.objects.all()} == {
        flat.pk: "against",
        garage.pk: "against",
    }
    receipts = Notification.objects.filter(user=owner, category="resolutions").exclude(
        subject__startswith="Głosowanie"  # the invitation
    )
    assert sorted(r.subject for r in receipts) == sorted(
        f"Twój głos w sprawie uchwały nr {resolution.number} za lokal {b.premises_label}"
        for b in (flat, garage)
    )
    assert all("„przeciw”" in r.body for r in receipts)
    sent = sorted(m.subject for m in mail.outbox if m.to == ["jan@example.pl"])
    assert sent == sorted(r.subject for r in receipts)

    page = detail(client, resolution)
    assert unvoted_section(page) is None
    # against: 1257/5062 + 1086/5062 = 2343/5062 = 46,29% of the shares, cast by 2 of 4
    assert "Oddano 2 z 4 kart; to 46,29% udziałów." in text(page)
    assert "Za każdy Twój lokal oddano głos." in text(
        client.get(reverse("resolutions:index")).content.decode()
    )


def test_a_strangers_premises_cannot_be_voted_for(client, owner_of_two):
    resolution, owner, flat, _garage, others = owner_of_two
    theirs = ballot_of(resolution, others[0])
    client.force_login(owner)
    assert vote_all(client, resolution, [flat, theirs], "for").status_code == 404
    assert vote_all(client, resolution, [theirs], "for").status_code == 404
    url = reverse("resolutions:vote_all", args=[resolution.pk])
    for data in ({}, {"ballots": ["abc"], "all-choice": "for"}, {"ballots": ["١٢"]}):
        assert client.post(url, data).status_code == 200, data  # the page, with a message
    client.force_login(UserFactory())  # no premises in the community at all
    assert vote_all(client, resolution, [flat], "for").status_code == 404
    assert not Vote.objects.exists()


def test_without_a_choice_the_error_is_shown_and_nothing_stored(client, owner_of_two):
    resolution, owner, flat, garage, _others = owner_of_two
    client.force_login(owner)
    response = vote_all(client, resolution, [flat, garage])
    assert response.status_code == 200
    section = unvoted_section(response.content.decode())
    assert "Wybierz: za, przeciw lub wstrzymuję się." in text(section)
    assert not Vote.objects.exists()


def test_a_co_owners_different_vote_cast_meanwhile_is_kept(client):
    community, premises = community_with(SHARES)
    husband = UserFactory(first_name="Piotr", last_name="Zieliński")
    wife = UserFactory(first_name="Magdalena", last_name="Zielińska")
    own(premises[0], husband, spouse=wife)
    own(premises[1], husband)
    for p in premises[2:]:
        own(p)
    resolution = opened(community)
    flat = ballot_of(resolution, wife)
    garage = resolution.ballots.get(premises=premises[1])
    vote(resolution, wife, "for", ballot=flat)  # after the husband's page showed both
    client.force_login(husband)
    response = vote_all(client, resolution, [flat, garage], "against")
    assert response.status_code == 302
    assert CurrentVote.objects.get(ballot=flat).vote.user == wife
    assert CurrentVote.objects.get(ballot=garage).choice == "against"
    page = text(detail(client, resolution))
    assert f"W międzyczasie współwłaściciel oddał inny głos za lokal {flat.premises_label}" in page


def test_an_owner_of_one_premises_gets_no_form_for_several(client):
    community, premises = community_with(SHARES)
    owner = own(premises[0]).user
    for p in premises[1:]:
        own(p)
    resolution = opened(community)
    client.force_login(owner)
    assert unvoted_section(detail(client, resolution)) is None


def test_the_counted_vote_says_where_it_was_cast(client, owner_of_two):
    resolution, owner, flat, _garage, _others = owner_of_two
    vote(resolution, owner, "for", ballot=flat)
    client.force_login(owner)
    page = text(detail(client, resolution))
    assert "(głos oddany w e-BOK)" not in page  # the owner's own vote reads "Twój głos: …"
    spouse = UserFactory(first_name="Ewa", last_name="Nowak")
    owner_account(spouse, flat.premises)  # sees the community's resolutions
    flat.holders.create(user=spouse, may_vote=True)
    client.force_login(spouse)
    page = text(detail(client, resolution))
    assert "Jan Nowak" in page
    assert "(głos oddany w e-BOK)" in page
    assert "(elektronicznie (e-BOK))" not in page


def test_staff_tally_and_the_protocol_use_the_same_denominator(
    client, owner_of_two, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    resolution, owner, flat, garage, _others = owner_of_two
    services.votes_cast(user=owner, resolution=resolution, ballot_ids=[flat.pk], choice="for")
    services.votes_cast(user=owner, resolution=resolution, ballot_ids=[garage.pk], choice="against")
    client.force_login(StaffFactory(is_superuser=True))
    page = text(
        client.get(
            reverse("admin:resolutions_resolution_tally", args=[resolution.pk])
        ).content.decode()
    )
    assert "Za 1257/5062 24,83" in page
    assert "Przeciw 1086/5062 21,45" in page  # 543/2531
    assert "Razem 5062/5062 100,00" in page
    assert "1086/5062 (21,45%) przeciw głos oddany w e-BOK" in page
    assert "543/2531" not in page
    closed = close(resolution)
    _name, _type, content = documents.render_protocol(closed)
    pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    pdf = re.sub(r"\s+", " ", pdf)
    assert "1086/5062 (21,45%)" in pdf
    assert "5062/5062" in pdf
    assert "Wstrzymujący się 0 0,00" in pdf  # nothing, not 0/5062
    assert "głos oddany w e-BOK" in pdf.replace("e- BOK", "e-BOK")  # broken at the hyphen
    assert "543/2531" not in pdf
