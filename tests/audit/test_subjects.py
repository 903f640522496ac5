"""Whose data a row is comes from the row's own model (`audit_resident()`), never guessed from
field names: a model without a declaration is nobody's resident data."""

import pytest

from accounts.models import Building
from audit.services import resident_of
from tests.billing.factories import ChargeFactory
from tests.factories import StaffFactory
from tests.faults.factories import ReportFactory

pytestmark = pytest.mark.django_db


def test_rows_name_their_resident(owner, account):
    charge = ChargeFactory(account=account)
    assert resident_of(charge) == owner
    assert resident_of(account.premises) == owner
    assert resident_of(ReportFactory(reporter=owner, account=account)) == owner


def test_staff_and_undeclared_rows_are_nobodys(account):
    clerk = StaffFactory()
    assert resident_of(clerk) is None
    assert resident_of(Building.objects.first()) is None  # no declaration: not guessed


def test_every_model_with_a_person_or_account_declares_its_resident():
    from django.apps import apps

    ours = {"accounts", "messaging", "billing", "meters", "faults", "resolutions", "privacy"}
    people = {"user", "account", "reporter", "author", "created_by", "requested_by"}
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in ours
        and any(f.name in people for f in model._meta.concrete_fields)
        and not hasattr(model, "audit_resident")
        and model._meta.label
        not in {  # staff's rows
            "messaging.Notice", "billing.ChargeRun", "billing.SettlementRun",
            "billing.SettlementJob",
        }
    ]
    assert missing == []
