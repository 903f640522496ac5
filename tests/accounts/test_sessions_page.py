"""The sessions page names devices as people know them and shows local times."""

import datetime

import pytest
from allauth.usersessions.models import UserSession
from django.urls import reverse

pytestmark = pytest.mark.django_db

CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)


def test_device_name_and_warsaw_time(client, owner):
    client.force_login(owner)
    # 11:30 UTC on 5 December is 12:30 in Warsaw (CET, UTC+1 in winter)
    started = datetime.datetime(2026, 12, 5, 11, 30, tzinfo=datetime.UTC)
    # 10:05 UTC on 1 July is 12:05 in Warsaw (CEST, UTC+2 in summer)
    seen = datetime.datetime(2026, 7, 1, 10, 5, tzinfo=datetime.UTC)
    UserSession.objects.update_or_create(
        user=owner,
        session_key=client.session.session_key,
        defaults={
            "ip": "192.0.2.10",
            "user_agent": CHROME_ON_WINDOWS,
            "created_at": started,
            "last_seen_at": seen,
        },
    )
    page = client.get(reverse("usersessions_list")).content.decode()
    assert "Chrome 120 na Windows 10" in page
    assert "5 grudnia 2026, 12:30" in page
    assert "temu" not in page
    assert "Rozpoczęto o" not in page
    assert ">" + CHROME_ON_WINDOWS not in page  # the raw string only in a tooltip
    assert "(to urządzenie)" in page
