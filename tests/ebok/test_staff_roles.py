"""Staff permissions come from one table (ebok/staff_roles.py), applied after every migrate."""

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.roles import ACCOUNTING, BOK
from ebok import staff_roles

pytestmark = pytest.mark.django_db


def codenames(group_name):
    group = Group.objects.get(name=group_name)
    return {
        (p.content_type.app_label, p.codename)
        for p in group.permissions.select_related("content_type")
    }


def table(group_name):
    return {
        (app, codename)
        for app, names in staff_roles.ROLES[group_name].items()
        for codename in names
    }


@pytest.mark.parametrize("group", [BOK, ACCOUNTING])
def test_each_group_has_exactly_its_row_of_the_table(group):
    assert codenames(group) == table(group)


def test_the_division_of_work():
    bok, accounting = codenames(BOK), codenames(ACCOUNTING)
    assert ("billing", "add_payment") in accounting
    assert ("billing", "add_payment") not in bok
    assert ("accounts", "add_credentialissue") in bok
    assert ("accounts", "add_credentialissue") not in accounting
    assert ("messaging", "view_all_threads") in bok
    assert ("messaging", "view_all_threads") not in accounting


def test_applying_again_restores_the_table():
    bok = Group.objects.get(name=BOK)
    bok.permissions.remove(Permission.objects.get(codename="change_faultreport"))
    bok.permissions.add(Permission.objects.get(codename="add_payment"))
    staff_roles.roles_apply()
    assert codenames(BOK) == table(BOK)


def test_an_unknown_permission_in_the_table_is_an_error(monkeypatch):
    monkeypatch.setitem(staff_roles.ROLES, BOK, {"billing": ["fly_to_the_moon"]})
    with pytest.raises(LookupError, match="fly_to_the_moon"):
        staff_roles.roles_apply()
