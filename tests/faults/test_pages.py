"""Resident pages: the emergency numbers before the form, reporting with photos, uploads that
are not photos refused with a message and nothing stored, the public timeline (internal notes
never), comments, confirm and reopen, and who may see a report and its photos."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image

from faults import services
from faults.models import FaultEvent, FaultPhoto, FaultReport
from tests.factories import AccessFactory
from tests.faults.conftest import report_of, upload
from tests.faults.factories import PhotoFactory, ReportFactory, jpeg_bytes

pytestmark = pytest.mark.django_db


def says(page, english, polish):
    return english in page or polish in page


def form_data(account, **extra):
    data = {
        "account": account.pk,
        "place": "premises",
        "category": "water",
        "title": "Cieknie kaloryfer",
        "description": "Pod oknem kapie woda.",
        "contact_phone": "+48 600-123-456",
    }
    data.update(extra)
    return data


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_emergency_numbers_come_before_the_form(owner_client, settings):
    settings.FAULTS_EMERGENCY_PHONE = "33 852 99 99"
    for name in ("faults:index", "faults:new"):
        page = owner_client.get(reverse(name)).content.decode()
        numbers = page.index('href="tel:112"')
        assert 'href="tel:992"' in page
        assert 'href="tel:338529999"' in page
        assert "33 852 99 99" in page
        if name == "faults:new":
            assert numbers < page.index('<form method="post" enctype')


def test_resident_reports_with_photos(owner_client, owner, account, settings):
    photos = [upload(jpeg_bytes(fmt="PNG"), "a.png", "image/png"), upload(name="b.jpg")]
    response = owner_client.post(reverse("faults:new"), form_data(account, photos=photos))
    report = FaultReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("faults:detail", args=[report.pk])
    assert report.reporter == owner
    assert report.contact_phone == "600123456"
    assert report.photos.count() == 2
    assert report.events.filter(kind="photo_added").count() == 2
    for photo in report.photos.all():
        assert photo.image.name.startswith("faults/photos/")
        assert photo.image.name.endswith(".jpg")
        assert "a.png" not in photo.image.name
        assert Image.open(photo.image.path).format == "JPEG"
    page = owner_client.get(response["Location"]).content.decode()
    assert "Cieknie kaloryfer" in page
    assert "600 123 456" in page
    for photo in report.photos.all():
        assert reverse("faults:photo", args=[photo.pk]) in page


def test_exif_is_stripped(owner_client, account):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (49.0, 45.0, 0.0)}
    content = jpeg_bytes(exif=exif)
    owner_client.post(reverse("faults:new"), form_data(account, photos=[upload(content)]))
    photo = FaultPhoto.objects.get()
    stored = Image.open(photo.image.path)
    assert not stored.getexif()
    assert "exif" not in stored.info


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("zdjecie.jpg", b"\xff\xd8\xff\xe0<script>alert(1)</script>", "image/jpeg"),
        ("zdjecie.jpg", b"#!/bin/sh\nrm -rf /\n", "image/jpeg"),
        (
            "rysunek.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/svg+xml",
        ),
        ("plik.pdf", b"%PDF-1.4\n1 0 obj\n", "application/pdf"),
    ],
)
def test_not_a_photo_is_refused_and_nothing_stored(
    owner_client, account, settings, name, content, content_type
):
    good = upload(name="dobre.jpg")
    bad = upload(content, name, content_type)
    response = owner_client.post(reverse("faults:new"), form_data(account, photos=[good, bad]))
    assert response.status_code == 200
    page = response.content.decode()
    assert says(page, "is not a JPEG, PNG or HEIC photo", "nie jest zdjęciem JPEG, PNG ani HEIC")
    assert name in page  # the message says which file
    assert not FaultReport.objects.exists()
    assert not FaultPhoto.objects.exists()
    assert stored_files(settings) == []


def test_huge_photo_is_refused(owner_client, account, settings):
    big = upload(jpeg_bytes() + b"\0" * (10 * 1024 * 1024 + 1), "duze.jpg")
    response = owner_client.post(reverse("faults:new"), form_data(account, photos=[big]))
    assert response.status_code == 200
    assert "10 MB" in response.content.decode()
    assert not FaultReport.objects.exists()
    assert stored_files(settings) == []


def test_too_many_pixels_are_refused(owner_client, account, settings):
    settings.FAULTS_PHOTO_MAX_PIXELS = 1_000_000
    out = io.BytesIO()
    Image.new("L", (3000, 2000)).save(out, "PNG")
    bomb = upload(out.getvalue(), "bomba.png", "image/png")
    response = owner_client.post(reverse("faults:new"), form_data(account, photos=[bomb]))
    assert response.status_code == 200
    assert says(response.content.decode(), "too many pixels", "za dużo pikseli")
    assert not FaultReport.objects.exists()


def test_too_many_photos_are_refused(owner_client, account, settings):
    photos = [upload(name=f"{i}.jpg") for i in range(6)]
    response = owner_client.post(reverse("faults:new"), form_data(account, photos=photos))
    assert response.status_code == 200
    assert response.context["form"].errors["photos"]
    assert not FaultReport.objects.exists()
    assert stored_files(settings) == []


def test_sixth_photo_by_comment_is_refused(owner_client, owner, settings):
    report = report_of(owner, photos=[_clean() for _ in range(5)])
    assert report.photos.count() == 5
    response = owner_client.post(
        reverse("faults:detail", args=[report.pk]),
        {"action": "comment", "text": "Jeszcze jedno", "photo": upload(name="6.jpg")},
    )
    assert response.status_code == 200
    assert report.photos.count() == 5
    assert not report.events.filter(kind="resident_comment").exists()
    assert len(stored_files(settings)) == 5


def _clean():
    from core.uploads import clean_photo

    return clean_photo(upload(), max_bytes=10 * 2**20, max_pixels=10**7)


@pytest.mark.parametrize("phone", ["12345", "600 123 45a", "+49 600 123 456", "６００１２３４５６"])
def test_bad_phone_is_refused_next_to_the_field(owner_client, account, phone):
    response = owner_client.post(reverse("faults:new"), form_data(account, contact_phone=phone))
    assert response.status_code == 200
    assert response.context["form"].errors["contact_phone"]
    assert not FaultReport.objects.exists()


def test_someone_elses_account_cannot_be_chosen(owner_client, other_account):
    response = owner_client.post(reverse("faults:new"), form_data(other_account))
    assert response.status_code == 200
    assert response.context["form"].errors["account"]
    assert not FaultReport.objects.exists()


def test_timeline_shows_public_entries_only(owner_client, owner, clerk):
    report = report_of(owner)
    services.fault_comment_internal(report=report, clerk=clerk, text="Sąsiad z góry to sprawca")
    services.fault_status_change(
        report=report, new_status="accepted", clerk=clerk, comment="Wyślemy hydraulika."
    )
    services.fault_assign(report=report, clerk=clerk, contractor="Firma Tajna")
    page = owner_client.get(reverse("faults:detail", args=[report.pk])).content.decode()
    assert "Wyślemy hydraulika." in page
    assert "Sąsiad z góry" not in page
    assert "Firma Tajna" in page  # the contractor's name is shown among the facts
    assert page.count('<li class="timeline-') == 2  # reported, status


def test_resident_comments_with_a_photo(owner_client, owner):
    report = report_of(owner)
    response = owner_client.post(
        reverse("faults:detail", args=[report.pk]),
        {"action": "comment", "text": "Dalej kapie", "photo": upload()},
    )
    assert response.status_code == 302
    assert report.events.filter(kind="resident_comment", text="Dalej kapie").exists()
    assert report.photos.count() == 1
    page = owner_client.get(reverse("faults:detail", args=[report.pk])).content.decode()
    assert "Dalej kapie" in page


def test_empty_comment_is_refused(owner_client, owner):
    report = report_of(owner)
    response = owner_client.post(reverse("faults:detail", args=[report.pk]), {"action": "comment"})
    assert response.status_code == 200
    assert response.context["comment_form"].errors
    assert report.events.count() == 1


def test_resident_confirms_and_reopens_through_the_page(owner_client, owner, clerk):
    report = report_of(owner)
    for status in ("accepted", "resolved"):
        services.fault_status_change(report=report, new_status=status, clerk=clerk)
    url = reverse("faults:detail", args=[report.pk])
    page = owner_client.get(url).content.decode()
    assert 'value="confirm"' in page
    assert 'value="reopen"' in page
    assert 'value="comment"' not in page
    response = owner_client.post(url, {"action": "reopen", "reason": ""})
    assert response.status_code == 200
    assert response.context["reopen_form"].errors
    assert owner_client.post(url, {"action": "reopen", "reason": "Znowu kapie"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "accepted"
    services.fault_status_change(report=report, new_status="resolved", clerk=clerk)
    assert owner_client.post(url, {"action": "confirm"}).status_code == 302
    report.refresh_from_db()
    assert report.confirmed_at
    page = owner_client.get(url).content.decode()
    assert 'value="confirm"' not in page


def test_confirming_an_open_report_shows_a_message(owner_client, owner):
    report = report_of(owner)
    response = owner_client.post(reverse("faults:detail", args=[report.pk]), {"action": "confirm"})
    assert response.status_code == 200
    assert report.events.filter(kind=FaultEvent.Kind.CONFIRMED).count() == 0


# -- who sees what ------------------------------------------------------------------------------


def test_co_holder_sees_a_premises_report_and_its_photos(client, owner, co_holder):
    report = report_of(owner, photos=[_clean()])
    client.force_login(co_holder)
    assert client.get(reverse("faults:detail", args=[report.pk])).status_code == 200
    photo = report.photos.get()
    response = client.get(reverse("faults:photo", args=[photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert f"#{report.pk}" in client.get(reverse("faults:index")).content.decode()


def test_co_holder_sees_a_common_part_report_its_photo_and_timeline(
    client, owner, co_holder, account, clerk
):
    # One rule for every place: a report made for an account is seen by whoever holds it now.
    report = report_of(owner, place="staircase", title="Rozbita szyba na klatce", photos=[_clean()])
    services.fault_comment_public(report=report, clerk=clerk, text="Szklarz przyjdzie w piątek")
    photo = report.photos.get()
    client.force_login(co_holder)
    page = client.get(reverse("faults:detail", args=[report.pk]))
    assert page.status_code == 200
    assert "Szklarz przyjdzie w piątek" in page.content.decode()
    response = client.get(reverse("faults:photo", args=[photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    listing = client.get(reverse("faults:index")).content.decode()
    assert "Rozbita szyba" in listing
    assert says(
        listing,
        "Everyone who may act for an account sees its reports",
        "Zgłoszenia dotyczące konta widzi każda osoba, która ma do niego dostęp",
    )


def test_a_neighbour_never_sees_a_common_part_report_of_another_account(client, owner, account):
    neighbour = AccessFactory(
        user__username="sasiad", account__premises__building=account.premises.building
    ).user
    report = report_of(owner, place="staircase", title="Rozbita szyba na klatce", photos=[_clean()])
    photo = report.photos.get()
    client.force_login(neighbour)
    assert client.get(reverse("faults:detail", args=[report.pk])).status_code == 404
    assert client.get(reverse("faults:photo", args=[photo.pk])).status_code == 404
    assert "Rozbita szyba" not in client.get(reverse("faults:index")).content.decode()
    url = reverse("faults:detail", args=[report.pk])
    assert client.post(url, {"action": "comment", "text": "x"}).status_code == 404


def test_ended_access_hides_the_accounts_reports_even_from_their_reporter(
    client, owner, co_holder, account
):
    from accounts.services import account_access_end

    report = report_of(owner, title="Rozbita szyba na klatce", photos=[_clean()])
    photo = report.photos.get()
    account_access_end(account=account)
    for former in (owner, co_holder):
        client.force_login(former)
        assert client.get(reverse("faults:detail", args=[report.pk])).status_code == 404
        assert client.get(reverse("faults:photo", args=[photo.pk])).status_code == 404
        assert "Rozbita szyba" not in client.get(reverse("faults:index")).content.decode()


def test_stranger_cannot_comment_confirm_or_reopen(client, owner, stranger):
    report = report_of(owner)
    client.force_login(stranger)
    url = reverse("faults:detail", args=[report.pk])
    for data in ({"action": "comment", "text": "x"}, {"action": "confirm"}, {"action": "reopen"}):
        assert client.post(url, data).status_code == 404
    assert report.events.count() == 1


def test_neighbour_in_the_building_does_not_see_a_premises_report(client, owner, account):
    neighbour = AccessFactory(
        user__username="sasiad", account__premises__building=account.premises.building
    ).user
    report = ReportFactory(reporter=owner)
    client.force_login(neighbour)
    assert client.get(reverse("faults:detail", args=[report.pk])).status_code == 404


def test_photos_are_not_under_a_public_path(owner, settings):
    photo = PhotoFactory(report=ReportFactory(reporter=owner))
    assert not photo.image.url.startswith(settings.STATIC_URL)
    assert Path(photo.image.path).is_relative_to(Path(settings.MEDIA_ROOT))
    from tests.clients import Client

    # nothing in the URLconf serves MEDIA_ROOT
    assert Client().get("/" + photo.image.name).status_code == 404


def fault_queries(queries, table):
    return [q["sql"] for q in queries if f'FROM "{table}"' in q["sql"]]


def test_the_list_shows_25_reports_a_page(owner_client, owner, django_assert_max_num_queries):
    """30 reports: the newest 25 on the first page, the oldest 5 on the second; each page
    reads its rows with a LIMIT."""
    reports = [
        FaultReport.objects.get(pk=report_of(owner, title=f"Usterka {n}").pk) for n in range(30)
    ]
    for n, report in enumerate(reports):  # one a day, "Usterka 29" the newest
        FaultReport.objects.filter(pk=report.pk).update(
            created_at=report.created_at - timedelta(days=30 - n)
        )
    url = reverse("faults:index")
    owner_client.get(url)
    with django_assert_max_num_queries(12) as queries:
        first = owner_client.get(url)
        listed = fault_queries(queries, "faults_faultreport")
    page = first.content.decode()
    assert [r.title for r in first.context["page"].object_list] == [
        f"Usterka {n}" for n in range(29, 4, -1)
    ]
    assert 'href="?page=2"' in page
    assert any("LIMIT 25" in sql for sql in listed)
    assert all("LIMIT" in sql or "COUNT(*)" in sql for sql in listed), listed
    second = owner_client.get(url, {"page": 2}).context["page"].object_list
    assert [r.title for r in second] == [f"Usterka {n}" for n in range(4, -1, -1)]


def test_the_timeline_shows_the_newest_30_entries_with_older_ones_a_page_back(
    owner_client, owner, clerk, django_assert_max_num_queries
):
    """The report (1 entry) and 34 comments: 35 entries, the newest 30 on the first page,
    oldest first, and the 5 before them a page back."""
    report = report_of(owner)
    start = report.created_at
    for n in range(1, 35):
        FaultEvent.objects.create(
            report=report,
            kind="public_comment",
            text=f"Wpis {n}",
            author=clerk,
            created_at=start + timedelta(minutes=n),
        )
    url = reverse("faults:detail", args=[report.pk])
    owner_client.get(url)
    with django_assert_max_num_queries(14) as queries:
        response = owner_client.get(url)
        events = fault_queries(queries, "faults_faultevent")
    shown = [e.text for e in response.context["report"].public_events]
    assert shown == [f"Wpis {n}" for n in range(5, 35)]
    assert 'href="?page=2">Starsze</a>' in response.content.decode()
    assert events
    assert all("LIMIT 31" in sql for sql in events), events
    older = owner_client.get(url, {"page": 2})
    assert [e.kind for e in older.context["report"].public_events] == ["reported"] + [
        "public_comment"
    ] * 4
    page = older.content.decode()
    assert 'href="?page=1">Nowsze</a>' in page
    assert "Starsze" not in page


def test_list_query_count_does_not_grow(owner_client, owner, django_assert_max_num_queries):
    for _ in range(3):
        report_of(owner)
    owner_client.get(reverse("faults:index"))
    with django_assert_max_num_queries(12):
        owner_client.get(reverse("faults:index"))
    for _ in range(5):
        report_of(owner, photos=[_clean()])
    with django_assert_max_num_queries(12):
        owner_client.get(reverse("faults:index"))


def test_the_reopen_question_is_asked_only_for_no(owner_client, owner, clerk):
    """Before choosing, the question must not read as required: it applies to "No" only."""
    report = report_of(owner)
    for status in ("accepted", "resolved"):
        services.fault_status_change(report=report, new_status=status, clerk=clerk)
    url = reverse("faults:detail", args=[report.pk])
    page = owner_client.get(url).content.decode()
    label = page[page.index('for="id_reason"') :]
    label = label[: label.index("</label>")]
    assert "Jeśli nie – co nadal nie działa?" in label
    assert "wymagane" not in label
    assert owner_client.post(url, {"action": "confirm"}).status_code == 302  # "Yes" needs none
    report.refresh_from_db()
    assert report.confirmed_at


def test_the_timeline_says_who_did_what_without_guessing_gender(owner_client, owner):
    report = report_of(owner, photos=[_clean()])
    page = owner_client.get(reverse("faults:detail", args=[report.pk])).content.decode()
    name = owner.get_full_name()
    photo_url = reverse("faults:photo", args=[report.photos.get().pk])
    assert f"{name}: zgłoszenie awarii" in page
    assert f'{name}: nowe zdjęcie (<a href="{photo_url}">zobacz</a>)' in page
    assert "zgłosił awarię" not in page  # a verb would guess the person's gender
    assert "zgłosił(a)" not in page
