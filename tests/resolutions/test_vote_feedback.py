"""What a voter sees after voting, and a co-owner replacing the shared vote: confirm first,
then the other co-owner is told (in e-BOK and by e-mail)."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from messaging.models import Notification
from resolutions.models import CurrentVote, Vote
from tests.factories import UserFactory

from .factories import ballot_of, community_with, opened, own

pytestmark = pytest.mark.django_db


@pytest.fixture
def spouses():
    community, premises = community_with([(3, 10), (3, 10), (2, 10), (2, 10)])
    husband = UserFactory(first_name="Piotr", last_name="Zieliński", email="piotr@example.pl")
    wife = UserFactory(first_name="Magdalena", last_name="Zielińska", email="magda@example.pl")
    own(premises[0], husband, spouse=wife)
    for p in premises[1:]:
        own(p)
    resolution = opened(community)
    return resolution, husband, wife, ballot_of(resolution, husband)


def post_vote(client, resolution, ballot, choice, **extra):
    data = {"ballot": ballot.pk, f"b{ballot.pk}-choice": choice, **extra}
    return client.post(reverse("resolutions:vote", args=[resolution.pk]), data)


def test_after_voting_the_form_shows_the_current_vote(client, spouses):
    resolution, husband, _wife, ballot = spouses
    client.force_login(husband)
    assert post_vote(client, resolution, ballot, "against").status_code == 302
    page = client.get(reverse("resolutions:detail", args=[resolution.pk])).content.decode()
    cast_at = timezone.localtime(Vote.objects.get(ballot=ballot).cast_at)
    months = ["grudnia"] if cast_at.month == 12 else []
    when = f"{cast_at.day} "
    assert "Twój głos: przeciw, oddany " + when in page
    assert f"{cast_at:%H:%M}" in page
    assert all(m in page for m in months)
    # the counted option is pre-selected
    radio = page.split('value="against"')[1].split(">")[0]
    assert "checked" in radio
    assert ">Zmień głos</button>" in page


def test_the_button_is_a_verb_and_the_column_a_noun(client, spouses):
    resolution, husband, _wife, _ballot = spouses
    client.force_login(husband)
    page = client.get(reverse("resolutions:detail", args=[resolution.pk])).content.decode()
    assert ">Zagłosuj</button>" in page
    assert ">Głos</button>" not in page


def test_a_co_owner_confirms_before_replacing_the_vote_and_the_other_is_notified(
    client, spouses, django_capture_on_commit_callbacks, eager_tasks
):
    resolution, husband, wife, ballot = spouses
    client.force_login(husband)
    post_vote(client, resolution, ballot, "for")
    client.force_login(wife)
    page = client.get(reverse("resolutions:detail", args=[resolution.pk])).content.decode()
    assert "Piotr Zieliński" in page
    assert "Twój głos:" not in page

    response = post_vote(client, resolution, ballot, "against")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Za ten lokal oddano już głos „za” (Piotr Zieliński," in page
    assert "Zmienić go na „przeciw”?" in page
    assert 'name="confirm" value="yes"' in page
    assert reverse("resolutions:detail", args=[resolution.pk]) in page  # cancel: back
    assert CurrentVote.objects.get(ballot=ballot).choice == "for"  # nothing changed yet
    assert Vote.objects.filter(ballot=ballot).count() == 1
    assert not Notification.objects.filter(user=husband, subject__contains="zmieniono").exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = post_vote(client, resolution, ballot, "against", confirm="yes")
    assert response.status_code == 302
    assert CurrentVote.objects.get(ballot=ballot).choice == "against"
    notice = Notification.objects.get(
        user=husband, category="resolutions", body__contains="zmieniono"
    )
    assert "zmiana: Magdalena Zielińska" in notice.body
    assert "z „za” na „przeciw”" in notice.body
    assert not Notification.objects.filter(user=wife, body__contains="zmieniono").exists()
    sent = [m for m in mail.outbox if m.to == ["piotr@example.pl"]]
    assert sent
    assert sent[-1].subject == notice.subject
    assert ballot.premises_label in sent[-1].subject


def test_cancel_keeps_the_co_owners_vote_and_same_choice_needs_no_confirmation(client, spouses):
    resolution, husband, wife, ballot = spouses
    client.force_login(husband)
    post_vote(client, resolution, ballot, "for")
    client.force_login(wife)
    response = post_vote(client, resolution, ballot, "for")
    assert response.status_code == 302  # the same choice: nothing to confirm, nobody told
    assert CurrentVote.objects.get(ballot=ballot).vote.user == wife
    assert not Notification.objects.filter(body__contains="zmieniono").exists()


def test_the_voter_changing_their_own_vote_is_not_asked(client, spouses):
    resolution, husband, _wife, ballot = spouses
    client.force_login(husband)
    post_vote(client, resolution, ballot, "for")
    assert post_vote(client, resolution, ballot, "abstain").status_code == 302
    assert CurrentVote.objects.get(ballot=ballot).choice == "abstain"


def test_the_text_hash_is_behind_technical_details(client, spouses):
    resolution, husband, _wife, _ballot = spouses
    client.force_login(husband)
    page = client.get(reverse("resolutions:detail", args=[resolution.pk])).content.decode()
    details = page.split('<details class="technical help">')[1].split("</details>")[0]
    assert "<summary>Szczegóły techniczne</summary>" in details
    assert resolution.text_hash in details
    assert page.count(resolution.text_hash) == 1  # nowhere else on the page
