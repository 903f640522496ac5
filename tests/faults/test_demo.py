"""Demo faults: reports in different states for najemca and wlasciciel, both of the shared
account's reports seen by the co-owner, and a rerun adds nothing."""

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from demo.faults import seed_faults
from faults import queries
from faults.models import FaultEvent, FaultReport

pytestmark = pytest.mark.django_db


def test_demo_faults():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (FaultReport.objects.count(), FaultEvent.objects.count())
    assert counts[0] == 4
    assert seed_faults() == 0
    call_command("seed_demo", stdout=io.StringIO())
    assert (FaultReport.objects.count(), FaultEvent.objects.count()) == counts

    def statuses(username):
        user = User.objects.get(username=username)
        return sorted(r.status for r in queries.reports_for_user(user))

    assert statuses("najemca") == ["in_progress", "resolved"]
    assert statuses("wlasciciel") == ["new", "rejected"]
    # The co-owner holds account 2003 too: she sees its flat report and the staircase one her
    # husband made for it.
    assert statuses("wspolwlasciciel") == ["new", "rejected"]
    for report in FaultReport.objects.all():
        report.full_clean()
