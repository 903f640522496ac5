"""Residents are told when a month's charges are posted and reminded before the due date if
something is unpaid, each exactly once per account and month (or due date)."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.ledger.charge_run import charge_run_execute
from billing.models import BillingNotice, ChargeRun
from billing.reminders import services as notices
from messaging.models import Notification
from tests.billing.factories import ChargeFactory, FeeFactory, PaymentFactory, component
from tests.factories import AccessFactory

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)


def run(period=MARCH):
    created = ChargeRun.objects.create(period=period, due_day=10)
    return charge_run_execute(run_id=created.pk, notify=False)


@pytest.fixture
def charged(account, co_holder, other_account):
    """The owner's account (with a co-holder) has fees; the stranger's has none."""
    FeeFactory(account=account, basis="fixed", unit_price=D("500.00"))
    FeeFactory(account=account, basis="fixed", unit_price=D("34.56"), component=component("waste"))
    return account


def test_everyone_with_access_is_told_once_when_charges_are_posted(
    charged, owner, co_holder, stranger
):
    first = run()
    assert notices.charges_posted_notify_run(run_id=first.pk) == 1
    told = Notification.objects.order_by("user__username")
    assert [n.user for n in told] == [co_holder, owner]
    notice = told[0]
    assert notice.link == reverse("billing:balance", args=[charged.pk])
    assert notice.subject.startswith("Nowe naliczenia za marzec 2026 — konto ")
    assert charged.number in notice.body
    assert "534,56" in notice.body  # 500.00 + 34.56, Polish format
    assert "10.03.2026" in notice.body
    assert not Notification.objects.filter(user=stranger).exists()

    # a second run of the month, a retried task, the daily catch-up: nobody is told again
    second = run()
    assert notices.charges_posted_notify_run(run_id=second.pk) == 0
    assert notices.charges_posted_notify_run(run_id=first.pk) == 0
    assert notices.posted_notices_catch_up(today=MARCH) == 0
    assert Notification.objects.count() == 2
    assert BillingNotice.objects.get().day == MARCH


def test_the_next_month_is_told_again(charged, owner):
    notices.charges_posted_notify_run(run_id=run().pk)
    notices.charges_posted_notify_run(run_id=run(datetime.date(2026, 4, 1)).pk)
    subjects = sorted(Notification.objects.filter(user=owner).values_list("subject", flat=True))
    assert len(subjects) == 2
    assert any("za kwiecień 2026" in s for s in subjects)
    assert any("za marzec 2026" in s for s in subjects)


def test_two_accounts_of_one_person_are_told_apart_by_number_and_address(owner, account):
    second = AccessFactory(user=owner, account__premises__building=account.premises.building)
    second = second.account
    for each in (account, second):
        FeeFactory(account=each, basis="fixed", unit_price=D("100.00"))
    december = datetime.date(2026, 12, 1)
    notices.charges_posted_notify_run(run_id=run(december).pk)
    subjects = set(Notification.objects.filter(user=owner).values_list("subject", flat=True))
    assert subjects == {
        f"Nowe naliczenia za grudzień 2026 — konto {each.number}, "
        f"{each.premises.building.street} / {each.premises.number}"
        for each in (account, second)
    }
    assert all("12/2026" not in s and "Grudzień" not in s for s in subjects)


def test_a_revoked_or_inactive_person_is_not_told(charged, owner, co_holder):
    co_holder.account_accesses.update(revoked_at=timezone.now())
    notices.charges_posted_notify_run(run_id=run().pk)
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["owner"]


def test_the_catch_up_sends_what_a_lost_task_did_not(charged, owner):
    run()  # the notice task was lost
    assert notices.posted_notices_catch_up(today=MARCH) == 1
    assert Notification.objects.filter(user=owner).count() == 1
    # runs of past months are not caught up (demo history, old runs)
    assert notices.posted_notices_catch_up(today=datetime.date(2026, 5, 2)) == 0


def test_an_unfinished_run_tells_nobody(charged):
    pending = ChargeRun.objects.create(period=MARCH, due_day=10)
    assert notices.charges_posted_notify_run(run_id=pending.pk) == 0
    assert not Notification.objects.exists()


TODAY = datetime.date(2026, 3, 7)  # three days before the 10th


def test_reminder_when_something_due_soon_is_unpaid(account, owner, co_holder, settings):
    settings.BILLING_REMINDER_DAYS = 3
    ChargeFactory(account=account, amount=D("400.00"), due_date=datetime.date(2026, 3, 10))
    ChargeFactory(account=account, amount=D("50.00"), due_date=datetime.date(2026, 3, 10))
    PaymentFactory(account=account, amount=D("100.00"), paid_on=datetime.date(2026, 3, 5))
    assert notices.due_reminders_send(today=TODAY) == 1
    reminders = Notification.objects.order_by("user__username")
    assert [n.user for n in reminders] == [co_holder, owner]
    assert "350,00" in reminders[0].body
    assert "10.03.2026" in reminders[0].body
    assert reminders[0].link == reverse("billing:balance", args=[account.pk])
    # the next days of the window: not again
    assert notices.due_reminders_send(today=TODAY + datetime.timedelta(days=1)) == 0
    assert notices.due_reminders_send(today=TODAY + datetime.timedelta(days=3)) == 0
    assert Notification.objects.count() == 2


def test_no_reminder_when_paid(account, settings):
    settings.BILLING_REMINDER_DAYS = 3
    ChargeFactory(account=account, amount=D("400.00"), due_date=datetime.date(2026, 3, 10))
    PaymentFactory(account=account, amount=D("400.00"), paid_on=datetime.date(2026, 3, 1))
    assert notices.due_reminders_send(today=TODAY) == 0
    assert not Notification.objects.exists()
    assert not BillingNotice.objects.exists()


def test_no_reminder_before_the_window(account, settings):
    settings.BILLING_REMINDER_DAYS = 3
    ChargeFactory(account=account, amount=D("400.00"), due_date=datetime.date(2026, 3, 10))
    assert notices.due_reminders_send(today=datetime.date(2026, 3, 6)) == 0
    assert notices.due_reminders_send(today=datetime.date(2026, 3, 7)) == 1


def test_an_old_debt_takes_the_payment_so_this_month_is_reminded(account, owner, settings):
    settings.BILLING_REMINDER_DAYS = 3
    ChargeFactory(account=account, amount=D("300.00"), due_date=datetime.date(2026, 2, 10))
    ChargeFactory(account=account, amount=D("300.00"), due_date=datetime.date(2026, 3, 10))
    PaymentFactory(account=account, amount=D("300.00"), paid_on=datetime.date(2026, 3, 2))
    assert notices.due_reminders_send(today=TODAY) == 1
    assert "300,00" in Notification.objects.get(user=owner).body


def test_an_overpayment_covers_the_coming_charge(account, settings):
    settings.BILLING_REMINDER_DAYS = 3
    ChargeFactory(account=account, amount=D("300.00"), due_date=datetime.date(2026, 2, 10))
    ChargeFactory(account=account, amount=D("300.00"), due_date=datetime.date(2026, 3, 10))
    PaymentFactory(account=account, amount=D("650.00"), paid_on=datetime.date(2026, 2, 2))
    assert notices.due_reminders_send(today=TODAY) == 0
