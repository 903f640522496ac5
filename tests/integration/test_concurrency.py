"""Double submits on PostgreSQL, with real threads: one activation link sets one password."""

import threading

import pytest
from django.db import connection

from accounts import services
from accounts.models import CredentialIssue
from tests.services import require_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_at_once(functions):
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def run(i, function):
        barrier.wait()
        try:
            results[i] = function()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_tabs_submitting_one_activation_link(owner, staff):
    require_postgres()
    issue, _ = services.credentials_issue(
        user=owner, method="email", document_type="id_card", clerk=staff
    )
    token = services.activation_token(issue)
    passwords = ["Pierwsze-Haslo-123", "Drugie-Haslo-456"]
    results = run_at_once(
        [lambda p=p: services.activation_complete(token=token, password=p) for p in passwords]
    )
    refused = [r for r in results if isinstance(r, services.ActivationInvalid)]
    accepted = [r for r in results if r == owner]
    assert len(accepted) == 1, results
    assert len(refused) == 1, results
    owner.refresh_from_db()
    winner = passwords[results.index(accepted[0])]
    assert owner.check_password(winner)
    assert CredentialIssue.objects.get(pk=issue.pk).used_at is not None


def test_two_clerks_issuing_at_once_leave_one_usable_credential(owner, staff):
    require_postgres()
    results = run_at_once(
        [
            lambda: services.credentials_issue(
                user=owner, method="letter", document_type="id_card", clerk=staff
            )
            for _ in range(2)
        ]
    )
    assert all(isinstance(r, tuple) for r in results), results
    open_issues = CredentialIssue.objects.filter(user=owner, revoked_at__isnull=True)
    assert open_issues.count() == 1
    owner.refresh_from_db()
    passwords = [password for _issue, password in results]
    assert sum(owner.check_password(p) for p in passwords) == 1
    # The password that works belongs to the credential that was not revoked.
    live = open_issues.get()
    assert owner.check_password(passwords[[i.pk for i, _ in results].index(live.pk)])
