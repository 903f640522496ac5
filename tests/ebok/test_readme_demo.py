"""The README's demo story is true: seed the demo and check each figure and claim of its
"demo's story" section against the rows and against what the residents' pages show. The
figures are read out of README.md itself, so the text and the demo cannot drift apart."""

import re
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Account, User
from billing.ledger.queries import account_state_of
from billing.models import Charge, ChargeRun, Invoice, Payment, Settlement
from core.dates import month_start, months_back
from core.money import format_pln
from demo.households import demo_persons
from demo.ledger import HISTORY_MONTHS, OVERPAYMENT, PART_PAID
from messaging.models import Notification
from resolutions.models import Resolution
from tests.clients import Client

pytestmark = pytest.mark.django_db
NUMBER = r"(\d[\d ]*,\d\d)"


def amount(text: str) -> D:
    return D(text.replace(" ", "").replace(",", "."))


@pytest.fixture(scope="module")
def story():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    section = readme.split("### The demo's story", 1)[1].split("\n## ", 1)[0]
    return " ".join(section.split())  # one line: sentences wrap anywhere


@pytest.fixture
def seeded(demo_for_module, db):
    return demo_for_module


def find(pattern, text):
    found = re.search(pattern, text)
    assert found, f"the README no longer says: {pattern}"
    return found.groups()


def water(number):
    """What the account's water settlements added (above 0) or credited (below 0)."""
    return Settlement.objects.filter(account__number=number, correction__isnull=True).aggregate(
        total=Sum("difference")
    )["total"] or D("0.00")


def page_of(username, url):
    client = Client()
    client.force_login(User.objects.get(username=username))
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_history_length_and_the_printed_balances(story, seeded):
    (months,) = find(r"(\d+) months of charge runs and payments", story)
    assert int(months) == HISTORY_MONTHS == ChargeRun.objects.filter(status="done").count()
    today = timezone.localdate()
    for username, number in (("najemca", "1001"), ("firma", "1005"), ("wlasciciel", "2003")):
        state = account_state_of(Account.objects.get(number=number), today)
        figure = format_pln(state.owed if state.balance < 0 else state.balance)
        line = next(line for line in seeded.splitlines() if f"account {number}:" in line)
        assert username in line, line
        assert figure in line, line


def test_najemca_owes_two_months_less_the_part_paid_and_the_water_credits(story, seeded):
    area, persons, monthly, rent, rent_rate, advance, per_person, waste, waste_rate = find(
        rf"a {NUMBER} m² municipal flat where (\d+) people live\) is charged {NUMBER} zł a "
        rf"month: rent {NUMBER} zł \({NUMBER} zł/m²\), the water and sewage advance {NUMBER} zł "
        rf"\({NUMBER} zł a person\) and waste collection {NUMBER} zł \({NUMBER} zł a person\)",
        story,
    )
    skipped_ago, part_paid = find(
        rf"skipped the payment (\d+) months ago and have paid {NUMBER} zł of this month's", story
    )
    account = Account.objects.select_related("premises").get(number="1001")
    today = timezone.localdate()
    current = month_start(today)
    assert account.premises.floor_area == amount(area)
    assert demo_persons("1001") == int(persons)
    # 38,20 × 10,45 = 399,19; 2 × 42,80 = 85,60; 2 × 37,00 = 74,00; together 558,79
    assert (amount(area) * amount(rent_rate)).quantize(D("0.01")) == amount(rent)
    assert int(persons) * amount(per_person) == amount(advance)
    assert int(persons) * amount(waste_rate) == amount(waste)
    assert amount(rent) + amount(advance) + amount(waste) == amount(monthly)
    for period in (current, months_back(current, int(skipped_ago))):
        charges = Charge.objects.filter(account=account, period=period)
        by_title = dict(charges.values_list("component__code", "amount"))
        assert by_title == {
            "rent": amount(rent),
            "water_sewage": amount(advance),
            "waste": amount(waste),
        }, period
    assert amount(part_paid) == PART_PAID
    money_in = Payment.objects.exclude(method=Payment.Method.SETTLEMENT)
    assert money_in.filter(account=account, paid_on__gte=current).aggregate(
        total=Sum("amount")
    )["total"] == amount(part_paid)

    # Owed: two months' fees less the part paid, less the water credits (they are credits:
    # each settlement's difference is below 0).
    state = account_state_of(account, today)
    assert water("1001") < 0
    owed = 2 * amount(monthly) - amount(part_paid) + water("1001")
    assert state.owed == owed
    # "the older month is overdue": what is overdue is all of the debt but this month's fees
    # that are not due yet, and it is overdue since the skipped month.
    not_yet_due = Charge.objects.filter(account=account, due_date__gte=today).aggregate(
        total=Sum("amount")
    )["total"] or D("0.00")
    assert state.overdue == owed - not_yet_due > 0
    assert state.oldest_overdue_date < current
    # and the resident reads the same on the dashboard and the balance page
    for url in (reverse("dashboard"), reverse("billing:balance", args=[account.pk])):
        assert format_pln(owed) in page_of("najemca", url), url


def test_firma_is_up_to_date_and_credited_through_its_invoices(story, seeded):
    find(r"`firma` \(account 1005, a café\) pays on time: nothing is overdue", story)
    find(r"giving the overpaid water back by correcting its invoices", story)
    account = Account.objects.get(number="1005")
    assert "Kawiarnia" in account.holder_name
    state = account_state_of(account, timezone.localdate())
    assert state.overdue == D("0.00")
    assert state.balance == -water("1005") > 0
    assert Invoice.objects.filter(account=account, kind="correction").exists()


def test_wlasciciel_once_overpaid_and_was_credited(story, seeded):
    (once,) = find(rf"\(account 2003\) once paid {NUMBER} zł too much", story)
    assert amount(once) == OVERPAYMENT
    state = account_state_of(Account.objects.get(number="2003"), timezone.localdate())
    assert water("2003") < 0
    assert state.balance == amount(once) - water("2003") > 0
    assert "overpaid" in story


def test_water_advances_pay_for_what_the_meters_count(story, seeded):
    use, limit = find(
        r"pays for about (\d+,\d) m³ of water a person a month, about what the demo meters "
        r"count, so each half-year's settlement moves a flat's balance by less than (\d+) zł",
        story,
    )
    flats = Settlement.objects.filter(
        correction__isnull=True, account__premises__kind="residential"
    ).select_related("account")
    assert flats.count() >= 10
    (empty,) = find(r"the municipality's unsold flat (\d+) stands empty", story)
    for document in flats:
        assert abs(document.difference) < int(limit), document.number
        if document.account.number == empty:
            assert document.advances == 0
            continue
        # m³ a person a month: the settled half-year's use over its days, × 30.4 days
        days = (document.period_end - document.period_start).days + 1
        persons = demo_persons(document.account.number)
        monthly = document.used / days * D("30.4") / persons
        assert abs(monthly - amount(use)) < D("0.5"), (document.number, monthly)
    # the last two finished half-years
    periods = set(Settlement.objects.values_list("period_start", flat=True))
    assert len(periods) == 2
    replaced = Settlement.objects.filter(account__number="2003")
    assert any(len(doc.meters) > 2 for doc in replaced)  # old and new cold meter, and hot
    latest = Settlement.objects.filter(account__number="1001").order_by("-period_start").first()
    assert latest.estimated
    find(r"flat 2003's cold water meter was replaced in one of them", story)
    find(r"`najemca`'s last half-year is an estimate", story)


def test_votes_closed_and_open_and_who_was_invited(story, seeded):
    closed, open_ = find(r"vote (\S+) closed before today .* and (\S+) is open", story)
    now = timezone.now()
    assert Resolution.objects.get(number=closed).ends_at < now
    assert Resolution.objects.get(number=open_).ends_at > now
    find(rf"the owners were invited to {re.escape(open_)} only", story)
    invitations = Notification.objects.filter(
        subject__startswith=gettext("Vote on resolution %(number)s") % {"number": ""}
    ).values_list("subject", flat=True)
    assert set(invitations) == {
        gettext("Vote on resolution %(number)s") % {"number": open_}
    }
