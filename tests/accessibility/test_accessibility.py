"""The accessibility statement (edited in admin, shown publicly, linked from every page) and
requests for accessibility (deadlines, extension, answer by e-mail)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accessibility import services
from accessibility.models import AccessibilityRequest, AccessibilityStatement, RequestEmail
from accessibility.tasks import request_email_send

pytestmark = pytest.mark.django_db
WARSAW = ZoneInfo("Europe/Warsaw")


@pytest.fixture
def admin_user(db):
    from tests.factories import StaffFactory

    return StaffFactory(is_superuser=True)


@pytest.fixture
def admin_client(client, admin_user):
    from tests.clients import Client

    staff_client = Client()
    staff_client.force_login(admin_user)
    return staff_client


STATEMENT = {
    "entity_name": "Zakład Budynków Miejskich w Cieszynie",
    "prepared_on": "2026-02-01",
    "published_on": "2025-09-01",
    "updated_on": "",
    "reviewed_on": "2026-02-01",
    "status": "partial",
    "non_accessible": "Skany uchwał sprzed 2020 r. nie mają tekstu.\n\nMapa budynków.",
    "assessment_method": "samoocena",
    "contact_name": "Anna Dostępna",
    "contact_email": "dostepnosc@zbm.example.pl",
    "contact_phone": "33 000 00 11",
    "procedure": "Każdy ma prawo wystąpić z żądaniem zapewnienia dostępności.",
    "architectural": "Budynek przy ul. Przykładowej 1 ma podjazd.",
    "mobile_apps": "",
}


def statement(**changes):
    values = {**STATEMENT, **changes}
    values["updated_on"] = values["updated_on"] or None
    return AccessibilityStatement.objects.create(**values)


def test_statement_edited_in_admin_is_shown(admin_client, client):
    response = admin_client.post(
        reverse("admin:accessibility_accessibilitystatement_add"), STATEMENT
    )
    assert response.status_code == 302
    page = client.get(reverse("accessibility:statement")).content.decode()
    assert "Anna Dostępna" in page
    assert "Skany uchwał sprzed 2020 r. nie mają tekstu." in page
    assert "Mapa budynków." in page
    assert "2026-02-01" in page
    stored = AccessibilityStatement.objects.get()
    change = reverse("admin:accessibility_accessibilitystatement_change", args=[stored.pk])
    admin_client.post(change, {**STATEMENT, "contact_name": "Jan Nowy"})
    page = client.get(reverse("accessibility:statement")).content.decode()
    assert "Jan Nowy" in page
    assert "Anna Dostępna" not in page


def test_the_statement_names_this_site_s_address(admin_client, client, settings):
    settings.SITE_URL = "https://ebok.zbm.example.pl"
    admin_client.post(reverse("admin:accessibility_accessibilitystatement_add"), STATEMENT)
    page = client.get(reverse("accessibility:statement")).content.decode()
    assert '<a id="a11y-url" href="https://ebok.zbm.example.pl/">' in page
    assert "127.0.0.1" not in page


def test_unpublished_statement_is_not_shown(client):
    statement(published_on=None, contact_name="Ukryta Osoba")
    page = client.get(reverse("accessibility:statement")).content.decode()
    assert "Ukryta Osoba" not in page


@pytest.mark.parametrize(
    "path",
    [
        "/auth/login/",
        "/deklaracja-dostepnosci/",
        "/deklaracja-dostepnosci/wniosek/",
        "/weryfikacja/",
    ],
)
def test_footer_links_the_statement_logged_out(client, path):
    page = client.get(path).content.decode()
    assert f'href="{reverse("accessibility:statement")}"' in page


def test_footer_link_when_logged_in_and_must_change_password(client, owner):
    client.force_login(owner)
    assert f'href="{reverse("accessibility:statement")}"' in client.get("/").content.decode()
    owner.must_change_password = True
    owner.save()
    # Still reachable although every other page sends them to the password change.
    assert client.get(reverse("accessibility:statement")).status_code == 200
    assert client.get(reverse("billing:verify")).status_code == 200
    assert client.get("/").status_code == 302


def _post(client, **changes):
    data = {
        "name": "Maria Nowak",
        "email": "maria@example.pl",
        "phone": "",
        "element": "/oplaty/ — wykres salda",
        "need": "Proszę o opis wykresu w formie tekstu.",
        "alternative": "tekst",
        "website": "",
        **changes,
    }
    return client.post(reverse("accessibility:request"), data)


def test_request_from_a_visitor_gets_a_7_day_deadline_and_a_confirmation(client):
    response = _post(client)
    assert response.status_code == 302
    request = AccessibilityRequest.objects.get()
    assert request.deadline == timezone.localdate(request.received_at) + datetime.timedelta(days=7)
    email = RequestEmail.objects.get(request=request)
    assert request_email_send(email.pk) == "sent"
    assert mail.outbox[-1].to == ["maria@example.pl"]
    assert request.deadline.strftime("%Y") in mail.outbox[-1].body


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "nie-adres"}, "email"),
        ({"name": ""}, "name"),
        ({"need": "x" * 5001}, "need"),
        ({"element": "x" * 501}, "element"),
    ],
)
def test_bad_request_shows_a_message_and_stores_nothing(client, changes, field):
    response = _post(client, **changes)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not AccessibilityRequest.objects.exists()


def test_honeypot_stores_nothing(client):
    assert _post(client, website="http://spam.example").status_code == 302
    assert not AccessibilityRequest.objects.exists()


def test_per_ip_limit(client):
    for _ in range(5):
        assert _post(client).status_code == 302
    assert _post(client).status_code == 429
    assert AccessibilityRequest.objects.count() == 5


def _request(received):
    return services.request_submit(
        name="Maria", email="maria@example.pl", element="x", need="y", now=received
    )


def test_extension_is_allowed_up_to_two_months_with_a_reason(staff):
    received = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=WARSAW)
    request = _request(received)
    assert request.deadline == datetime.date(2026, 3, 9)
    with pytest.raises(services.AccessibilityError):
        services.request_extend(
            request_id=request.pk, to=datetime.date(2026, 5, 3), reason="Audyt", clerk=staff
        )
    with pytest.raises(services.AccessibilityError):
        services.request_extend(
            request_id=request.pk, to=datetime.date(2026, 4, 1), reason="  ", clerk=staff
        )
    request.refresh_from_db()
    assert request.extended_to is None
    services.request_extend(
        request_id=request.pk, to=datetime.date(2026, 5, 2), reason="Audyt PDF", clerk=staff
    )
    request.refresh_from_db()
    assert request.extended_to == datetime.date(2026, 5, 2)
    assert request.status == "extended"
    assert RequestEmail.objects.filter(request=request, kind="extension").exists()


def test_staff_answer_in_admin_is_e_mailed(admin_client, admin_user):
    request = _request(timezone.now())
    url = reverse("admin:accessibility_request_answer", args=[request.pk])
    assert admin_client.post(url, {"answer": ""}).status_code == 200
    assert admin_client.post(url, {"answer": "Opis wykresu: saldo rośnie."}).status_code == 302
    request.refresh_from_db()
    assert request.status == "answered"
    assert request.answered_by == admin_user
    answer = RequestEmail.objects.get(request=request, kind="answer")
    request_email_send(answer.pk)
    assert "Opis wykresu: saldo rośnie." in mail.outbox[-1].body
    assert request_email_send(answer.pk) == "skipped"  # sent once


def test_admin_extension_beyond_two_months_is_refused(admin_client):
    request = _request(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=WARSAW))
    url = reverse("admin:accessibility_request_extend", args=[request.pk])
    response = admin_client.post(url, {"to": "2026-06-01", "reason": "Audyt"})
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.extended_to is None


def test_review_reminder_once_a_year_from_march_until_reviewed(
    settings, django_capture_on_commit_callbacks
):
    settings.ACCESSIBILITY_STAFF_EMAILS = ["dostepnosc@zbm.example.pl"]
    statement(reviewed_on="2025-03-01")
    assert not services.review_reminder_send(today=datetime.date(2026, 2, 20))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.review_reminder_send(today=datetime.date(2026, 3, 1))
    assert mail.outbox[-1].to == ["dostepnosc@zbm.example.pl"]
    assert not services.review_reminder_send(today=datetime.date(2026, 3, 2))
    AccessibilityStatement.objects.update(reviewed_on=datetime.date(2026, 3, 5))
    assert not services.review_is_due(datetime.date(2027, 2, 1))
    assert services.review_is_due(datetime.date(2027, 3, 1))
