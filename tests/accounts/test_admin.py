"""The register and credentials in Django admin, as a BOK clerk uses them."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import (
    Account,
    Community,
    CredentialIssue,
    IdentityCheck,
    Premises,
    SecurityNotice,
)
from accounts.validators import make_virtual_nrb
from tests.factories import BuildingFactory, CommunityFactory, PremisesFactory

pytestmark = pytest.mark.django_db

GOOD_COMMUNITY = {
    "name": "Wspólnota Mieszkaniowa Rynek 5",
    "street": "Rynek 5",
    "postal_code": "43-400",
    "city": "Cieszyn",
    "nip": "525-224-84-81",
    "bank_account": "75 1050 0099 7603 0000 0001 2345",
    "virtual_prefix": "10201026000123",
}


@pytest.fixture
def clerk_client(client, staff):
    client.force_login(staff)
    return client


def add_community(client, **changes):
    return client.post(reverse("admin:accounts_community_add"), {**GOOD_COMMUNITY, **changes})


def test_clerk_adds_a_community_with_spaces_and_dashes(clerk_client):
    response = add_community(clerk_client)
    assert response.status_code == 302, response.content.decode()[:2000]
    community = Community.objects.get()
    assert community.nip == "5252248481"
    assert community.bank_account == "75105000997603000000012345"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nip", "5252248482", "NIP"),
        ("nip", "12345", "NIP"),
        ("nip", "５２５２２４８４８１", "NIP"),  # full-width digits
        ("bank_account", "75105000997603000000012346", "NRB"),
        ("bank_account", "7510500099760300000001234", "26"),
        ("bank_account", "PL75105000997603000000012345X", "26"),
        ("bank_account", "x" * 10_000, "26"),
        ("virtual_prefix", "1234", ""),
        ("name", "", ""),
    ],
)
def test_bad_register_input_is_refused_with_a_message(clerk_client, field, value, message):
    response = add_community(clerk_client, **{field: value})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors, errors
    assert message in " ".join(errors[field]) or not message
    assert not Community.objects.exists()


def test_bad_input_leaves_the_stored_row_unchanged(clerk_client):
    community = CommunityFactory()
    url = reverse("admin:accounts_community_change", args=[community.pk])
    data = {**GOOD_COMMUNITY, "name": community.name, "nip": "0000000000"}
    response = clerk_client.post(url, data)
    assert response.status_code == 200
    community.refresh_from_db()
    assert community.nip == "5252248481"
    assert community.street != GOOD_COMMUNITY["street"]


def account_data(premises, **changes):
    return {
        "number": "4242",
        "kind": "municipal_tenancy",
        "premises": premises.pk,
        "holder_name": "Anna Nowak",
        "holder_nip": "",
        "correspondence_address": "",
        "virtual_nrb": "",
        "valid_from": "2026-01-01",
        "valid_to": "",
        "accesses-TOTAL_FORMS": "0",
        "accesses-INITIAL_FORMS": "0",
        **changes,
    }


def test_new_account_gets_a_valid_virtual_account(clerk_client, settings):
    premises = PremisesFactory()
    response = clerk_client.post(reverse("admin:accounts_account_add"), account_data(premises))
    assert response.status_code == 302, response.context["adminform"].form.errors
    account = Account.objects.get()
    assert account.virtual_nrb == make_virtual_nrb(settings.MUNICIPAL_VIRTUAL_PREFIX, "4242")
    assert account.virtual_nrb.endswith("0000004242")


def test_community_account_gets_the_communitys_virtual_range(clerk_client):
    community = CommunityFactory(virtual_prefix="10201026000777")
    premises = PremisesFactory(building=BuildingFactory(community=community))
    data = account_data(premises, kind="community_ownership")
    assert clerk_client.post(reverse("admin:accounts_account_add"), data).status_code == 302
    assert Account.objects.get().virtual_nrb[2:16] == "10201026000777"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"number": "12a"}, "number"),
        ({"number": "12345678901"}, "number"),
        ({"holder_nip": "1234567890"}, "holder_nip"),
        ({"virtual_nrb": "12345"}, "virtual_nrb"),
        ({"valid_from": "2026-02-30"}, "valid_from"),
        ({"valid_to": "2025-01-01"}, "valid_to"),
        ({"kind": "community_ownership"}, "kind"),  # a municipal building
    ],
)
def test_bad_account_input_is_refused(clerk_client, changes, field):
    premises = PremisesFactory()
    data = account_data(premises, **changes)
    response = clerk_client.post(reverse("admin:accounts_account_add"), data)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Account.objects.exists()


def test_commercial_premises_cannot_be_a_municipal_tenancy(clerk_client):
    premises = PremisesFactory(kind=Premises.Kind.COMMERCIAL)
    response = clerk_client.post(reverse("admin:accounts_account_add"), account_data(premises))
    assert "kind" in response.context["adminform"].form.errors


@pytest.mark.parametrize(
    ("numerator", "denominator", "field"),
    [
        ("5", "", "share_denominator"),
        ("5", "0", "share_denominator"),
        ("7", "5", "share_numerator"),
    ],
)
def test_bad_share_is_refused(clerk_client, numerator, denominator, field):
    building = BuildingFactory()
    data = {
        "building": building.pk,
        "number": "1",
        "kind": "residential",
        "floor_area": "50,5",
        "share_numerator": numerator,
        "share_denominator": denominator,
    }
    response = clerk_client.post(reverse("admin:accounts_premises_add"), data)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Premises.objects.exists()


def test_clerk_prints_a_credential_letter(clerk_client, owner, staff):
    url = reverse("admin:accounts_user_issue_credentials", args=[owner.pk])
    form = clerk_client.get(url)
    assert form.status_code == 200
    response = clerk_client.post(url, {"document_type": "id_card", "method": "letter"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    password = response.context["password"]
    page = response.content.decode()
    assert password in page
    assert owner.username in page
    assert owner.account_accesses.get().account.number in page
    owner.refresh_from_db()
    assert owner.check_password(password)
    assert owner.must_change_password
    check = IdentityCheck.objects.get(user=owner)
    assert check.checked_by == staff


def test_clerk_sends_an_activation_link(clerk_client, owner, django_capture_on_commit_callbacks):
    old_email = owner.email
    url = reverse("admin:accounts_user_issue_credentials", args=[owner.pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = clerk_client.post(
            url,
            {
                "document_type": "passport",
                "method": "email",
                "email": "new@example.pl",
                "confirm_email_change": "on",  # a changed address needs the clerk's tick
            },
        )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.email == "new@example.pl"
    issue = CredentialIssue.objects.get(user=owner)
    assert issue.method == "email"
    assert issue.email_status == "pending"
    # The activation link to the new address and the notice of the change to the old one.
    notice = SecurityNotice.objects.get(user=owner)
    assert (notice.kind, notice.to_email, notice.new_email) == (
        "email_changed", old_email, "new@example.pl",
    )
    assert len(callbacks) == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"document_type": "", "method": "letter"}, "document_type"),
        ({"document_type": "id_card", "method": "email", "email": ""}, "email"),
        ({"document_type": "id_card", "method": "email", "email": "not-an-address"}, "email"),
        ({"document_type": "id_card", "method": "carrier-pigeon"}, "method"),
    ],
)
def test_bad_issue_input_is_refused(clerk_client, owner, data, field):
    url = reverse("admin:accounts_user_issue_credentials", args=[owner.pk])
    response = clerk_client.post(url, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not CredentialIssue.objects.exists()
    assert mail.outbox == []


def test_accounting_may_not_issue_credentials(client, owner):
    from tests.factories import StaffFactory

    accountant = StaffFactory(groups=["Księgowość"])
    client.force_login(accountant)
    url = reverse("admin:accounts_user_issue_credentials", args=[owner.pk])
    assert client.get(url).status_code == 403


def test_clerk_ends_access_when_the_holder_changes(clerk_client, owner, account):
    response = clerk_client.post(
        reverse("admin:accounts_account_changelist"),
        {"action": "end_access", "_selected_action": [account.pk]},
    )
    assert response.status_code == 302
    assert not owner.account_accesses.current().exists()


def test_admin_lists_are_searchable(clerk_client, account):
    for name in ("account", "premises", "building", "community", "user", "accountaccess"):
        url = reverse(f"admin:accounts_{name}_changelist")
        assert clerk_client.get(url, {"q": "Kowalski"}).status_code == 200


def test_posted_credential_records_are_read_only(clerk_client, owner, staff):
    from accounts.services import credentials_issue

    issue, _ = credentials_issue(user=owner, method="letter", document_type="id_card", clerk=staff)
    url = reverse("admin:accounts_credentialissue_change", args=[issue.pk])
    clerk_client.post(url, {"method": "email"})
    issue.refresh_from_db()
    assert issue.method == "letter"


def test_a_share_reads_as_one_reduced_fraction_for_clerk_and_resident(
    clerk_client, client, owner, account
):
    # 7140/25310: gcd(7140, 25310) = 10, so 714/2531 everywhere it is shown.
    premises = account.premises
    premises.share_numerator, premises.share_denominator = 7140, 25310
    premises.save()
    listing = clerk_client.get(reverse("admin:accounts_premises_changelist")).content.decode()
    assert "714/2531" in listing
    assert "7140" not in listing
    client.force_login(owner)
    page = client.get(reverse("account_detail", args=[account.pk])).content.decode()
    assert "714/2531" in page
    assert "7140/25310" not in page


GENITIVE_MONTHS = [
    "stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca",
    "lipca", "sierpnia", "września", "października", "listopada", "grudnia",
]


def test_the_activation_link_expiry_is_told_in_warsaw_time_in_admin_and_e_mail(
    clerk_client, owner, django_capture_on_commit_callbacks
):
    """The stored moment is UTC; Warsaw is 1 h (winter) or 2 h (summer) ahead, so the clerk's
    message and the resident's e-mail show the same local time, and not the UTC one."""
    from zoneinfo import ZoneInfo

    from accounts.tasks import activation_email_send

    url = reverse("admin:accounts_user_issue_credentials", args=[owner.pk])
    with django_capture_on_commit_callbacks(execute=False):
        response = clerk_client.post(
            url, {"document_type": "id_card", "method": "email", "email": owner.email},
            follow=True,
        )
    issue = CredentialIssue.objects.get(user=owner)
    local = issue.expires_at.astimezone(ZoneInfo("Europe/Warsaw"))
    utc = issue.expires_at.astimezone(ZoneInfo("UTC"))
    expected = f"{local.day} {GENITIVE_MONTHS[local.month - 1]} {local.year}, {local:%H:%M}"
    shown = [str(m) for m in response.context["messages"]]
    assert shown == [f"Link aktywacyjny wysłano na adres {owner.email}; wygasa {expected}."]
    assert f"{utc:%H:%M}" not in shown[0]

    activation_email_send(issue.pk)
    assert f"wygasa {expected}." in mail.outbox[-1].body
