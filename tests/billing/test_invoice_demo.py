"""Demo invoices: firma's café has its last months invoiced; a second seed adds nothing."""

import io

import pytest
from django.core.management import call_command

from billing.models import Invoice
from messaging.models import Notification

pytestmark = pytest.mark.django_db


def test_seed_demo_invoices_the_commercial_leases_once():
    call_command("seed_demo", stdout=io.StringIO())
    invoices = Invoice.objects.filter(account__number="1005")
    assert invoices.count() == 3
    assert all(i.buyer_nip == "5482200414" for i in invoices)
    assert not Invoice.objects.filter(account__number="1001").exists()  # a flat: none
    before = (Invoice.objects.count(), Notification.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Invoice.objects.count(), Notification.objects.count()) == before
