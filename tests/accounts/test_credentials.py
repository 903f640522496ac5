"""Credentials issued by BOK: letters with one-time passwords, activation links, re-issue."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import CredentialIssue, IdentityCheck
from accounts.tasks import activation_email_send, activation_emails_sweep
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Moje-Nowe-Haslo-77"


def issue_letter(user, clerk):
    return services.credentials_issue(
        user=user, method="letter", document_type="id_card", clerk=clerk
    )


def issue_email(user, clerk, capture):
    with capture() as callbacks:
        issue, _password = services.credentials_issue(
            user=user, method="email", document_type="passport", clerk=clerk
        )
    assert len(callbacks) == 1  # the e-mail task is enqueued only after commit
    activation_email_send(issue.pk)  # what the worker runs
    return issue


def link_from_mail(message):
    return next(line for line in message.body.splitlines() if "/aktywacja/" in line).strip()


def path_of(url):
    return url.removeprefix("http://127.0.0.1:8000")


def test_letter_sets_a_one_time_password_and_records_the_id_check(owner, staff):
    issue, password = issue_letter(owner, staff)
    owner.refresh_from_db()
    assert len(password) == 12
    assert owner.must_change_password
    assert authenticate(username=owner.username, password=password) == owner
    assert authenticate(username=owner.username, password=PASSWORD) is None
    check = IdentityCheck.objects.get(user=owner)
    assert (check.document_type, check.checked_by) == ("id_card", staff)
    assert issue.identity_check == check
    # The clear password is nowhere in the database.
    assert password not in owner.password
    assert not CredentialIssue.objects.filter(pk=issue.pk, email_status="pending").exists()


def test_email_link_activates_once(client, owner, staff, django_capture_on_commit_callbacks):
    issue = issue_email(owner, staff, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [owner.email]
    url = link_from_mail(message)
    owner.refresh_from_db()
    assert not owner.has_usable_password()

    page = client.get(path_of(url))
    assert page.status_code == 200
    assert owner.username in page.content.decode()

    response = client.post(
        path_of(url), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert authenticate(username=owner.username, password=NEW_PASSWORD) == owner
    issue.refresh_from_db()
    assert issue.used_at is not None
    assert EmailAddress.objects.get(user=owner).verified

    client.logout()
    again = client.get(path_of(url))
    assert again.status_code == 410
    assert "został już użyty" in again.content.decode()


@pytest.mark.parametrize(
    ("one", "two", "under", "says"),
    [
        ("krotkie", "krotkie", "id_new_password1", "co najmniej 10 znaków"),
        (NEW_PASSWORD, "Inne-Haslo-2026", "id_new_password2", "Hasła się różnią"),
    ],
)
def test_activation_says_what_is_wrong_under_the_field_at_fault(
    client, owner, staff, django_capture_on_commit_callbacks, one, two, under, says
):
    issue_email(owner, staff, django_capture_on_commit_callbacks)
    url = path_of(link_from_mail(mail.outbox[0]))
    page = client.post(url, {"new_password1": one, "new_password2": two}).content.decode()
    errors = re.findall(r'<p class="field-error" id="(\w+)_error1">(.*?)</p>', page, re.S)
    assert [field for field, _text in errors] == [under]
    assert says in errors[0][1]


def test_email_task_run_twice_sends_one_email(owner, staff, django_capture_on_commit_callbacks):
    issue = issue_email(owner, staff, django_capture_on_commit_callbacks)
    assert activation_email_send(issue.pk) == "skipped"
    assert len(mail.outbox) == 1
    issue.refresh_from_db()
    assert issue.email_status == "sent"
    assert issue.email_sent_at


def test_expired_link_is_refused(client, owner, staff, django_capture_on_commit_callbacks):
    issue = issue_email(owner, staff, django_capture_on_commit_callbacks)
    CredentialIssue.objects.filter(pk=issue.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    url = path_of(link_from_mail(mail.outbox[0]))
    assert client.get(url).status_code == 410
    response = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 410
    owner.refresh_from_db()
    assert not owner.has_usable_password()


def test_link_expires_after_the_configured_hours(owner, staff, settings):
    settings.ACTIVATION_LINK_HOURS = 24
    issue, _ = services.credentials_issue(
        user=owner, method="email", document_type="id_card", clerk=staff
    )
    assert issue.expires_at - issue.issued_at == timedelta(hours=24)


def test_forged_or_garbage_token_is_refused(client):
    assert client.get("/aktywacja/abc/").status_code == 410
    assert client.get("/aktywacja/" + "x" * 5000 + "/").status_code == 410


def test_reissue_invalidates_earlier_credentials(
    client, owner, staff, django_capture_on_commit_callbacks
):
    first = issue_email(owner, staff, django_capture_on_commit_callbacks)
    old_link = path_of(link_from_mail(mail.outbox[0]))
    _letter, password = issue_letter(owner, staff)
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert client.get(old_link).status_code == 410

    _again, newer_password = issue_letter(owner, staff)
    assert authenticate(username=owner.username, password=password) is None
    assert authenticate(username=owner.username, password=newer_password) == owner


def test_reissue_ends_existing_sessions(client, owner, staff):
    client.force_login(owner)
    assert client.get(reverse("dashboard")).status_code == 200
    issue_letter(owner, staff)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_email_method_needs_an_address(owner, staff):
    owner.email = ""
    owner.save()
    with pytest.raises(services.CredentialError):
        services.credentials_issue(user=owner, method="email", document_type="id_card", clerk=staff)
    assert not CredentialIssue.objects.exists()
    assert not IdentityCheck.objects.exists()


def test_unknown_document_type_is_refused(owner, staff):
    with pytest.raises(services.CredentialError):
        services.credentials_issue(user=owner, method="letter", document_type="pesel", clerk=staff)
    assert not IdentityCheck.objects.exists()


def test_first_change_marks_the_letter_used(owner, staff):
    issue, _ = issue_letter(owner, staff)
    with pytest.raises(ValidationError):
        services.password_first_change(user=owner, password="1234")
    owner.refresh_from_db()
    assert owner.must_change_password
    services.password_first_change(user=owner, password=NEW_PASSWORD)
    owner.refresh_from_db()
    issue.refresh_from_db()
    assert not owner.must_change_password
    assert issue.used_at is not None


def test_sweeper_resends_a_stuck_email(owner, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        issue, _ = services.credentials_issue(
            user=owner, method="email", document_type="id_card", clerk=staff
        )
    # The worker died after claiming the row: it stays "sending" until the sweeper frees it.
    CredentialIssue.objects.filter(pk=issue.pk).update(
        email_status="sending",
        email_claimed_at=timezone.now() - timedelta(hours=1),
        issued_at=timezone.now() - timedelta(hours=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert activation_emails_sweep.apply().get() == 1
    issue.refresh_from_db()
    assert issue.email_status in {"pending", "sent"}
