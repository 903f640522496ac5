"""One name for each thing in messaging (#31): what the manager sent is "Powiadomienia", the
resident's matters with BOK are "Wiadomości do BOK", the form is "Napisz do BOK"; each page is
named the same in the menu, its heading, its title and the breadcrumbs that lead to it. The
resident chooses the topic; nothing is preselected."""

import re

import pytest
from django.urls import reverse

from messaging import notify, services
from messaging.models import Thread
from tests.factories import AccessFactory
from tests.messaging.factories import delivered_notice, thread_of

pytestmark = pytest.mark.django_db

NOTIFICATIONS = "Powiadomienia"
THREADS = "Wiadomości do BOK"
WRITE = "Napisz do BOK"


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def title(page):
    return text(re.search(r"<title>(.*?)</title>", page, re.S).group(1)).split(" — ")[0]


def heading(page):
    return text(re.search(r"<h1>(.*?)(<span|</h1>)", page, re.S).group(1))


def current_menu_item(page):
    menu = re.search(r'<nav class="main-nav".*?</nav>', page, re.S).group(0)
    return text(re.search(r'aria-current="page">(.*?)</a>', menu).group(1))


def breadcrumb_links(page):
    crumbs = re.search(
        r'<nav aria-label="Ścieżka nawigacji" class="breadcrumb">(.*?)</nav>', page, re.S
    )
    return dict(
        (text(name), href) for href, name in re.findall(r'<a href="([^"]+)">(.*?)</a>', crumbs[1])
    )


def get(client, name, *args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200, name
    return response.content.decode()


def test_the_lists_have_one_name_in_menu_heading_and_title(owner_client):
    for url_name, name in (
        ("messaging:notification_list", NOTIFICATIONS),
        ("messaging:thread_list", THREADS),
    ):
        page = get(owner_client, url_name)
        assert (title(page), heading(page), current_menu_item(page)) == (name, name, name)
        assert "Skrzynka odbiorcza" not in page
        # the menu names both, each linking to its page
        assert f'href="{reverse(url_name)}"' in page
        # and writing to BOK is one click away from either
        assert (
            f'<a class="button-primary" href="{reverse("messaging:thread_new")}">{WRITE}</a>'
            in page
        )


def test_a_notification_a_notice_and_a_thread_lead_back_under_the_same_names(owner_client, owner):
    notification = notify(owner, "Nowe naliczenia za grudzień", "Treść")
    notice = delivered_notice(owner)
    thread = thread_of(owner)
    for url_name, pk, parent, parent_url in (
        ("messaging:notification_detail", notification.pk, NOTIFICATIONS, "notification_list"),
        ("messaging:notice_detail", notice.pk, NOTIFICATIONS, "notification_list"),
        ("messaging:thread_detail", thread.pk, THREADS, "thread_list"),
    ):
        page = get(owner_client, url_name, pk)
        assert breadcrumb_links(page) == {parent: reverse(f"messaging:{parent_url}")}, url_name
        assert current_menu_item(page) == parent, url_name


def test_the_form_is_named_write_to_bok_everywhere(owner_client):
    page = get(owner_client, "messaging:thread_new")
    assert (title(page), heading(page), current_menu_item(page)) == (WRITE, WRITE, THREADS)
    crumbs = re.search(r'class="breadcrumb">(.*?)</nav>', page, re.S).group(1)
    assert text(crumbs) == f"{THREADS} › {WRITE}"


def test_the_dashboard_uses_the_same_names(owner_client, owner):
    notify(owner, "Nowe naliczenia za grudzień", "Treść")
    page = get(owner_client, "dashboard")
    tiles = re.findall(r'<a href="([^"]+)"><span class="tile-title">(.*?)</span>', page)
    assert (reverse("messaging:notification_list"), NOTIFICATIONS) in tiles
    assert (reverse("messaging:thread_list"), THREADS) in tiles
    assert "1 nieprzeczytane powiadomienie" in text(page)
    assert "Nieprzeczytane powiadomienia" in text(page)


def test_the_form_has_one_title_field_and_no_topic_chosen(owner_client):
    page = get(owner_client, "messaging:thread_new").split("<main", 1)[1]
    labels = [text(label) for label in re.findall(r"<label [^>]*>(.*?)</label>", page, re.S)]
    assert labels[:3] == ["Lokal (wymagane)", "Dotyczy (wymagane)", "Tytuł (wymagane)"]
    assert not any(label.startswith("Temat") for label in labels)
    topic = re.search(r'<select name="topic".*?</select>', page, re.S).group(0)
    assert "selected" in re.search(r'<option value=""[^>]*>', topic).group(0)
    assert re.search(r'<option value="payments"[^>]*>', topic).group(0).count("selected") == 0


def test_without_a_topic_the_error_is_next_to_the_field_and_nothing_is_stored(
    owner_client, account
):
    data = {"account": account.pk, "subject": "Nadpłata", "text": "Proszę o zwrot."}
    response = owner_client.post(reverse("messaging:thread_new"), data)
    assert response.status_code == 200
    page = response.content.decode()
    field = re.search(r'<div class="field field-invalid">(.*?)</div>', page, re.S).group(1)
    assert 'for="id_topic"' in field
    assert "Wybierz, czego dotyczy wiadomość." in text(field)
    assert not Thread.objects.exists()


def test_with_two_premises_the_resident_chooses_one(client):
    first = AccessFactory()
    second = AccessFactory(user=first.user)
    client.force_login(first.user)
    data = {"topic": "meters", "subject": "Wodomierz", "text": "Proszę o legalizację."}
    response = client.post(reverse("messaging:thread_new"), data)
    assert "Wybierz lokal, którego dotyczy wiadomość." in text(response.content.decode())
    assert not Thread.objects.exists()
    response = client.post(reverse("messaging:thread_new"), {**data, "account": second.account.pk})
    assert response.status_code == 302
    assert Thread.objects.get().account == second.account


def test_the_list_says_title_premises_and_what_it_is_about(owner_client, owner, staff):
    assert "Nie masz jeszcze wiadomości do BOK." in text(get(owner_client, "messaging:thread_list"))
    thread = thread_of(owner, subject="Wysokość zaliczki na wodę")
    services.thread_staff_reply(clerk=staff, thread_id=thread.pk, text="Zaliczka jest wyższa.")
    page = get(owner_client, "messaging:thread_list")
    headers = [text(h) for h in re.findall(r'<th scope="col">(.*?)</th>', page)]
    assert headers[:3] == ["Tytuł", "Lokal", "Dotyczy"]
    assert "Wysokość zaliczki na wodę — nowa odpowiedź BOK" in text(page)
