"""Demo meters: every demo flat has meters with history, the leak and the replacement are there,
and a rerun adds nothing."""

import io

import pytest
from django.core.management import call_command

from demo.meters import seed_meters
from meters import queries
from meters.models import Meter, Reading, ReadingWindow

pytestmark = pytest.mark.django_db


def test_demo_meters(today):
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Meter.objects.count(), Reading.objects.count(), ReadingWindow.objects.count())
    assert counts[0] >= 30
    assert counts[1] >= 30 * 12
    assert seed_meters(today=today) == {"meters": 0, "readings": 0}
    assert (Meter.objects.count(), Reading.objects.count(), ReadingWindow.objects.count()) == counts

    from accounts.models import User

    najemca = User.objects.get(username="najemca")
    groups = queries.meters_by_premises(najemca)
    assert [m.serial_number for m in groups[0].meters] == ["ZW-1001", "CW-1001"]
    assert [bool(m.leak) for m in groups[0].meters] == [False, True]
    assert groups[0].window is not None
    replaced = Meter.objects.get(serial_number="ZW-2003")
    assert replaced.replaced_by.serial_number == "ZW-2003-N"
    assert queries.open_window(replaced.premises, today) is not None
