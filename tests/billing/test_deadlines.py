"""Art. 115 k.c.: a deadline on a Saturday, Sunday or public holiday moves to the next working
day, for being overdue and for interest; the rate table staff keep and its warning."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.ledger.balances import build_ledger, interest_for, rate_schedule
from billing.ledger.deadlines import deadline
from billing.models import InterestRate
from tests.factories import StaffFactory

d = datetime.date
RATES = [(d(2025, 12, 4), D("9.50")), (d(2026, 3, 5), D("9.25"))]


class Row:
    _pk = 0

    def __init__(self, amount, *, due_date=None, paid_on=None):
        Row._pk += 1
        self.pk, self.amount, self.corrects_id = Row._pk, D(amount), None
        self.due_date, self.paid_on = due_date, paid_on


@pytest.mark.parametrize(
    ("due", "moved"),
    [
        (d(2026, 10, 10), d(2026, 10, 12)),  # Saturday → Monday
        (d(2026, 10, 11), d(2026, 10, 12)),  # Sunday → Monday
        (d(2026, 10, 12), d(2026, 10, 12)),  # a working day stays
        (d(2025, 12, 24), d(2025, 12, 29)),  # Wigilia (a holiday from 2025), Christmas, Sunday
        (d(2026, 4, 5), d(2026, 4, 7)),  # Easter Sunday and Monday
        (d(2026, 6, 4), d(2026, 6, 5)),  # Corpus Christi (Easter + 60 days)
        (d(2026, 5, 1), d(2026, 5, 4)),  # 1 May Friday, 2 May Saturday, 3 May Sunday
        (d(2026, 11, 11), d(2026, 11, 12)),  # Independence Day
        (d(2026, 8, 15), d(2026, 8, 17)),  # Assumption, a Saturday
    ],
)
def test_deadlines_move_past_weekends_and_holidays(due, moved):
    assert deadline(due) == moved


def test_paying_on_the_monday_after_a_saturday_deadline_owes_no_interest():
    # DOMAIN.md §3: 1 000 zł due Saturday 10 Oct 2026, paid Monday 12 Oct 2026 → 0,00.
    schedule = rate_schedule(RATES)
    assert interest_for(D("1000"), d(2026, 10, 10), d(2026, 10, 12), schedule) == 0
    # Paid on Tuesday: one day late, 13 Oct, at 9.25%: 1000 × 9.25 / 100 / 365 = 0.2534…
    late = interest_for(D("1000"), d(2026, 10, 10), d(2026, 10, 13), schedule)
    assert round(late, 2) == D("0.25")
    ledger = build_ledger(
        [Row("1000.00", due_date=d(2026, 10, 10))],
        [Row("1000.00", paid_on=d(2026, 10, 12))],
        rates=RATES,
        today=d(2026, 11, 1),
    )
    assert ledger.interest == D("0.00")


def test_unpaid_after_a_saturday_deadline_is_not_overdue_until_tuesday():
    charge = Row("100.00", due_date=d(2026, 10, 10))
    on_monday = build_ledger([charge], [], rates=RATES, today=d(2026, 10, 12))
    assert on_monday.overdue == 0
    assert on_monday.next_due_date == d(2026, 10, 12)
    on_tuesday = build_ledger([charge], [], rates=RATES, today=d(2026, 10, 13))
    assert on_tuesday.overdue == D("100.00")
    assert on_tuesday.oldest_overdue_date == d(2026, 10, 12)


@pytest.mark.django_db
def test_the_admin_front_page_warns_when_the_rate_table_is_old(client, settings):
    accountant = StaffFactory(username="ksiegowa2", groups=["Księgowość"])
    bok = StaffFactory(username="bok2", groups=["BOK"])
    settings.BILLING_INTEREST_RATE_MAX_AGE_DAYS = 183
    newest = InterestRate.objects.order_by("-valid_from").first()
    assert newest.valid_from == d(2026, 3, 5)  # the seeded table ends here
    client.force_login(accountant)
    page = client.get(reverse("admin:index")).content.decode()
    # Today (5 Dec 2026 or later) is more than 183 days after 5 Mar 2026.
    assert "Najnowsza stawka odsetek ustawowych obowiązuje od 5 marca 2026" in page
    client.force_login(bok)  # BOK does not keep the table
    assert "Najnowsza stawka" not in client.get(reverse("admin:index")).content.decode()
    InterestRate.objects.create(
        valid_from=timezone.localdate(), rate=D("9.00"), source="NBP, test"
    )
    client.force_login(accountant)
    assert "Najnowsza stawka" not in client.get(reverse("admin:index")).content.decode()
