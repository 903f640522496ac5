"""Demo invoices: firma's café has its months invoiced back to the first settled half-year,
and the water settlements' overpayments corrected on them; a second seed adds nothing."""

import io

import pytest
from django.core.management import call_command

from billing.models import Invoice
from messaging.models import Notification

pytestmark = pytest.mark.django_db


def test_seed_demo_invoices_the_commercial_leases_once():
    call_command("seed_demo", stdout=io.StringIO())
    invoices = Invoice.objects.filter(account__number="1005")
    # 18 months, back to the first half-year the water demo settles; the two half-years'
    # settlements each gave an overpayment back by correcting the newest advance invoice of
    # their period (its last month: June or December)
    assert invoices.filter(kind="invoice").count() == 18
    corrected = invoices.filter(kind="correction").values_list("corrects__period", flat=True)
    assert sorted(period.month for period in corrected) == [6, 12]
    assert all(i.buyer_nip == "5482200414" for i in invoices)
    assert not Invoice.objects.filter(account__number="1001").exists()  # a flat: none
    before = (Invoice.objects.count(), Notification.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Invoice.objects.count(), Notification.objects.count()) == before
