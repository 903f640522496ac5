"""Durations for residents in whole days with Polish plural forms."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from core.dates import days_text, days_until, month_label

WARSAW_NOON = datetime.datetime(2026, 12, 5, 11, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("days", "text"),
    [(1, "1 dzień"), (2, "2 dni"), (5, "5 dni"), (13, "13 dni"), (22, "22 dni"), (12, "12 dni")],
)
def test_polish_plural_forms_of_days(days, text):
    assert days_text(days) == text


def test_days_until_counts_calendar_days_in_warsaw():
    # 23:30 UTC on 18 December is already 19 December in Warsaw: 14 days after 5 December
    assert (
        days_until(datetime.datetime(2026, 12, 18, 23, 30, tzinfo=datetime.UTC), WARSAW_NOON) == 14
    )
    assert (
        days_until(datetime.datetime(2026, 12, 18, 12, 0, tzinfo=datetime.UTC), WARSAW_NOON) == 13
    )
    assert days_until(datetime.date(2026, 12, 1), WARSAW_NOON) == 0


def test_month_in_running_text_is_lowercase_nominative():
    assert month_label(datetime.date(2026, 12, 1)) == "grudzień 2026"
    assert month_label(datetime.date(2026, 5, 1)) == "maj 2026"


@pytest.mark.parametrize(
    ("days", "text"), [(1, "pozostał 1 dzień"), (2, "pozostały 2 dni"), (13, "pozostało 13 dni")]
)
def test_the_resolution_page_phrase(days, text):
    ends = timezone.now() + datetime.timedelta(days=days, minutes=1)
    template = Template(
        "{% load dates i18n %}{% blocktranslate count days=ends|days_until %}{{ days }} day left"
        "{% plural %}{{ days }} days left{% endblocktranslate %}"
    )
    if timezone.localdate(ends) - timezone.localdate() != datetime.timedelta(days=days):
        pytest.skip("run within a minute of midnight")
    assert template.render(Context({"ends": ends})) == text
