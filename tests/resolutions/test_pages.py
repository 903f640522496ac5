"""Resident pages of resolutions: who sees what, voting through the form, turnout while open,
the result and the challenge deadline after closing."""

import pytest
from django.urls import reverse

from accounts.models import Account
from resolutions import queries, services
from resolutions.models import Attachment, Vote
from tests.factories import AccessFactory, UserFactory

from .factories import ballot_of, close, community_in_vote, community_with, opened, own, vote

pytestmark = pytest.mark.django_db


def urls(resolution, attachment=None):
    pk = resolution.pk
    found = [
        reverse("resolutions:detail", args=[pk]),
        reverse("resolutions:votes", args=[pk]),
        reverse("resolutions:protocol", args=[pk]),
    ]
    if attachment:
        found.append(reverse("resolutions:attachment", args=[attachment.pk]))
    return found


@pytest.fixture
def closed_vote(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    owner = UserFactory(username="wlasciciel")
    resolution = community_in_vote(owner, past=True, votes_for=3)
    item = Attachment.objects.create(resolution=resolution, title="Kosztorys", file="x.pdf")
    (tmp_path / "x.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    return owner, close(resolution), item


@pytest.mark.parametrize(
    "kind",
    [Account.Kind.MUNICIPAL_TENANCY, Account.Kind.COMMERCIAL_LEASE, "other_community"],
)
def test_others_get_404_for_every_resolution_url(client, closed_vote, kind):
    owner, resolution, item = closed_vote
    if kind == "other_community":
        outsider = UserFactory()
        community_in_vote(outsider)
    else:
        outsider = AccessFactory(account__kind=kind).user
    client.force_login(owner)
    for url in urls(resolution, item):
        assert client.get(url).status_code == 200, url
    client.force_login(outsider)
    for url in urls(resolution, item):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("resolutions:vote", args=[resolution.pk])).status_code == 404
    if kind != "other_community":
        assert client.get(reverse("resolutions:index")).status_code == 404
        page = client.get(reverse("dashboard")).content.decode()
        assert reverse("resolutions:index") not in page  # neither tile nor menu link


def test_owner_has_tile_and_menu_link(client):
    owner = UserFactory()
    community_in_vote(owner)
    client.force_login(owner)
    response = client.get(reverse("dashboard"))
    assert reverse("resolutions:index") in {tile.url for tile, _ in response.context["tiles"]}
    # the tile, the tasks' row (wide screens) and the tasks' Menu (phones)
    assert response.content.decode().count(f'href="{reverse("resolutions:index")}"') == 3


def test_a_draft_is_not_shown(client):
    community, premises = community_with([(1, 4)] * 4)
    owner = own(premises[0]).user
    from .factories import draft

    hidden = draft(community)
    client.force_login(owner)
    assert client.get(reverse("resolutions:detail", args=[hidden.pk])).status_code == 404


def test_index_lists_open_votes_first(client):
    owner = UserFactory()
    first = community_in_vote(owner, past=True)
    close(first)
    community = first.community
    opened(community, number="9/2026", title="Nowa elewacja")
    client.force_login(owner)
    page = client.get(reverse("resolutions:index")).content.decode()
    assert page.index("Nowa elewacja") < page.index(first.title)


def test_owner_votes_changes_the_vote_and_the_spouse_sees_who_voted(client):
    community, premises = community_with([(3, 10), (3, 10), (2, 10), (2, 10)])
    husband = UserFactory(first_name="Piotr", last_name="Zieliński")
    wife = UserFactory(first_name="Magdalena", last_name="Zielińska")
    own(premises[0], husband, spouse=wife)
    for p in premises[1:]:
        own(p)
    resolution = opened(community)
    ballot = ballot_of(resolution, husband)
    url = reverse("resolutions:vote", args=[resolution.pk])
    client.force_login(husband)
    response = client.post(url, {"ballot": ballot.pk, f"b{ballot.pk}-choice": "for"})
    assert response.status_code == 302
    response = client.post(url, {"ballot": ballot.pk, f"b{ballot.pk}-choice": "against"})
    assert Vote.objects.filter(ballot=ballot).count() == 2
    assert ballot.current.__class__.objects.get(ballot=ballot).choice == "against"
    client.force_login(wife)
    page = client.get(reverse("resolutions:detail", args=[resolution.pk])).content.decode()
    assert "Piotr Zieliński" in page
    assert "30,00" in page  # turnout: 3/10 of the shares
    assert "result" not in page.split('id="turnout"')[0].split("<h2>")[-1]


def test_bad_posts_show_a_message_and_store_nothing(client):
    owner = UserFactory()
    resolution = community_in_vote(owner)
    other = resolution.ballots.exclude(holders__user=owner).first()
    client.force_login(owner)
    url = reverse("resolutions:vote", args=[resolution.pk])
    mine = ballot_of(resolution, owner)
    for data in (
        {},
        {"ballot": "abc"},
        {"ballot": "١٢"},
        {"ballot": other.pk, f"b{other.pk}-choice": "for"},
        {"ballot": mine.pk},
        {"ballot": mine.pk, f"b{mine.pk}-choice": "maybe"},
    ):
        response = client.post(url, data)
        assert response.status_code == 200, data
    assert not Vote.objects.exists()


def test_after_closing_the_result_and_the_challenge_deadline_are_shown(client, closed_vote):
    owner, resolution, _item = closed_vote
    client.force_login(owner)
    page = client.get(reverse("resolutions:detail", args=[resolution.pk])).content.decode()
    assert 'id="result"' in page
    assert reverse("resolutions:protocol", args=[resolution.pk]) in page
    assert resolution.result == "adopted"
    notice = resolution.notices.get(user=owner)
    assert notice.channel == "letter"
    assert notice.notified_at is None
    services.letters_mark_delivered(notice_ids=[notice.pk], on=resolution.closed_at.date())
    notice.refresh_from_db()
    page = client.get(reverse("resolutions:detail", args=[resolution.pk])).content.decode()
    deadline = notice.challenge_deadline
    assert f"{deadline.day} " in page
    assert str(deadline.year) in page


def test_vote_list_and_protocol_for_owners_of_the_community(client, closed_vote):
    owner, resolution, _item = closed_vote
    client.force_login(owner)
    page = client.get(reverse("resolutions:votes", args=[resolution.pk])).content.decode()
    for ballot in resolution.ballots.all():
        assert ballot.owner_label in page
    response = client.get(reverse("resolutions:protocol", args=[resolution.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_open_vote_has_no_protocol_and_no_vote_list(client):
    owner = UserFactory()
    resolution = community_in_vote(owner)
    vote(resolution, owner, "for")
    client.force_login(owner)
    assert client.get(reverse("resolutions:protocol", args=[resolution.pk])).status_code == 404
    page = client.get(reverse("resolutions:votes", args=[resolution.pk])).content.decode()
    assert resolution.ballots.exclude(holders__user=owner).first().owner_label not in page


def test_consent_form(client):
    owner = UserFactory()
    community_in_vote(owner)
    client.force_login(owner)
    client.post(reverse("resolutions:consent"), {"consent": "yes"})
    assert queries.consents_to_electronic_delivery(owner)
    client.post(reverse("resolutions:consent"), {"consent": "no"})
    assert not queries.consents_to_electronic_delivery(owner)


def test_detail_page_queries_do_not_grow_with_votes(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    owner = UserFactory()
    resolution = community_in_vote(owner)
    client.force_login(owner)
    url = reverse("resolutions:detail", args=[resolution.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for ballot in resolution.ballots.all():
        user = ballot.holders.first().user
        vote(resolution, user, "for", ballot=ballot)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
