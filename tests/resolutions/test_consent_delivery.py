"""The resolution result notice goes by e-mail to owners who gave consent in their profile
(accounts.Consent) and by letter to the rest; e-mail choices do not stop a legal notice."""

import pytest
from django.urls import reverse

from messaging.models import MessagingPreference, Notification
from resolutions.models import ResultNotice
from tests.factories import UserFactory
from tests.resolutions.factories import close, community_in_vote

pytestmark = pytest.mark.django_db


def test_result_notice_follows_the_profile_consent(client, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    consenting, withdrawn = UserFactory(), UserFactory()
    resolution = community_in_vote(consenting, past=True)
    # the second user owns another premises of the same community
    other_ballot = resolution.ballots.exclude(holders__user=consenting).first()
    holder = other_ballot.holders.first()
    holder.user = withdrawn
    holder.save()
    client.force_login(consenting)
    client.post(reverse("profile_consent"), {"consent": "on"})
    client.force_login(withdrawn)
    client.post(reverse("profile_consent"), {"consent": "on"})
    client.post(reverse("profile_consent"), {})
    MessagingPreference.objects.create(user=consenting, email_resolutions=False)
    close(resolution)
    assert ResultNotice.objects.get(user=consenting).channel == "electronic"
    assert ResultNotice.objects.get(user=withdrawn).channel == "letter"
    told = Notification.objects.filter(user=consenting).order_by("-pk").first()
    assert told.email_status == "pending"  # a legal notice: e-mailed whatever the choices
