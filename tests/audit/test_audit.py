"""The audit log: every login, failed login and lock-out; staff reads and changes of residents'
data in the admin with old and new values; append-only and shown to superusers only."""

import pytest
from django.forms import MultiWidget
from django.urls import reverse

from audit.models import AuditEvent
from tests.billing.factories import PaymentFactory
from tests.factories import PASSWORD, StaffFactory
from tests.faults.factories import ReportFactory
from tests.meters.factories import ReadingFactory, meter_of

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")


@pytest.fixture
def clerk_client(client, staff):
    client.force_login(staff)
    return client


def change_form_data(response, **changes):
    """What the admin change page would post back unchanged, plus `changes`."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        data[f"{formset.prefix}-TOTAL_FORMS"] = formset.initial_form_count()  # no extra rows
        forms += formset.initial_forms
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if isinstance(field.widget, MultiWidget):  # split date and time
                for i, part in enumerate(field.widget.decompress(value)):
                    data[f"{form.add_prefix(name)}_{i}"] = "" if part is None else part
            elif value is True:
                data[form.add_prefix(name)] = "on"
            elif value not in (None, False):
                data[form.add_prefix(name)] = value
    return {**data, **changes}


def events(**filters):
    return list(AuditEvent.objects.filter(**filters))


def test_a_login_is_recorded_with_the_ip(client, owner):
    client.post(LOGIN, {"login": "owner", "password": PASSWORD}, REMOTE_ADDR="198.51.100.7")
    [event] = events(action="login")
    assert event.actor == owner
    assert event.resident == owner
    assert event.ip == "198.51.100.7"


def test_a_failed_login_is_recorded_with_the_name_typed(client, owner):
    client.post(LOGIN, {"login": "owner", "password": "wrong-password"})
    client.post(LOGIN, {"login": "nobody", "password": "wrong-password"})
    assert sorted(e.actor_label for e in events(action="login_failed")) == ["nobody", "owner"]
    assert not events(action="login")


def test_a_lock_out_is_recorded(client, owner):
    for _ in range(6):
        client.post(LOGIN, {"login": "owner", "password": "wrong-password"})
    assert len(events(action="login_failed")) == 5
    [locked] = events(action="login_locked")
    assert locked.actor_label == "owner"
    # Even the right password is refused now, and that is recorded too.
    client.post(LOGIN, {"login": "owner", "password": PASSWORD})
    assert len(events(action="login_locked")) == 2
    assert not events(action="login")


def test_staff_reading_residents_data_in_the_admin_is_recorded(clerk_client, staff, owner, account):
    payment = PaymentFactory(account=account)
    reading = ReadingFactory(meter=meter_of(owner), submitted_by=owner)
    report = ReportFactory(reporter=owner)
    for obj in (account, payment, reading, report, owner):
        opts = obj._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert clerk_client.get(url).status_code == 200, url
        [event] = events(action="view", object_type=opts.label_lower)
        assert event.actor == staff
        assert event.object_id == str(obj.pk)
        assert event.resident == owner, opts.label_lower
    # A list page is one read of its own (tests/audit/test_audit_custom_views.py), not a read
    # of each row's resident; an unknown id reads nothing.
    clerk_client.get(reverse("admin:billing_payment_changelist"))
    clerk_client.get(reverse("admin:billing_payment_change", args=[999999]))
    assert len(events(action="view")) == 6
    [listed] = events(action="view", object_id="")
    assert listed.object_type == "billing.payment"
    assert listed.resident is None


def test_a_staff_change_is_recorded_with_old_and_new_values(clerk_client, staff, owner, account):
    url = reverse("admin:accounts_account_change", args=[account.pk])
    data = change_form_data(clerk_client.get(url), holder_name="Anna Nowak-Kowalska")
    old_name = account.holder_name
    response = clerk_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    [event] = events(action="change", object_type="accounts.account")
    assert event.actor == staff
    assert event.resident == owner
    assert event.old == {"holder_name": old_name}
    assert event.new == {"holder_name": "Anna Nowak-Kowalska"}  # only what changed


def test_a_staff_add_and_delete_are_recorded(clerk_client, staff):
    from accounts.models import Community
    from tests.accounts.test_admin import GOOD_COMMUNITY

    response = clerk_client.post(reverse("admin:accounts_community_add"), GOOD_COMMUNITY)
    assert response.status_code == 302
    community = Community.objects.get()
    [added] = events(action="add")
    assert added.object_id == str(community.pk)
    assert added.new["nip"] == "5252248481"
    url = reverse("admin:accounts_community_delete", args=[community.pk])
    staff.is_superuser = True
    staff.save()
    assert clerk_client.post(url, {"post": "yes"}).status_code == 302
    [deleted] = events(action="delete")
    assert deleted.object_id == str(community.pk)
    assert deleted.old["nip"] == "5252248481"


def test_events_are_append_only(client, owner):
    client.post(LOGIN, {"login": "owner", "password": "wrong-password"})
    event = AuditEvent.objects.get()
    event.actor_label = "someone-else"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.update(actor_label="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().actor_label == "owner"


def test_only_a_superuser_browses_the_log_and_nobody_edits_it(client, staff, owner):
    client.post(LOGIN, {"login": "owner", "password": "wrong-password"})
    event = AuditEvent.objects.get()
    changelist = reverse("admin:audit_auditevent_changelist")
    client.force_login(staff)
    assert client.get(changelist).status_code == 403
    boss = StaffFactory(is_superuser=True)
    client.force_login(boss)
    page = client.get(changelist, {"action__exact": "login_failed", "q": "owner"})
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [event]
    logins = client.get(changelist, {"action__exact": "login"}).context["cl"].result_list
    assert {e.actor for e in logins} == {staff, boss}
    detail = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert detail.status_code == 200
    assert b'name="actor_label"' not in detail.content
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
