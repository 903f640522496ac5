"""The resident's billing pages on a hand-made ledger: what is owed, by when, what is overdue,
this month's charges, the history with a running balance, and constant query counts."""

import datetime
import re
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import dateformat, timezone, translation

from accounts.services import account_access_end
from billing.models import Charge, InterestRate, Payment
from tests import access
from tests.billing.factories import ChargeFactory, PaymentFactory, working_day

NBSP = "\xa0"
MINUS = "\u2212"
# The account pages (invoice URLs take an invoice: see test_invoice_pages.py).
BILLING_SCOPED = [
    u for u in access.SCOPED if u.name.startswith("billing:") and u.make is access.own_account
]


def zl(text):
    """An amount as the pages print it: 1 234,56 zł with non-breaking spaces."""
    return text.replace(" ", NBSP) + NBSP + "zł"


def visible_text(html):
    """The page's text as a reader sees it (tags and attributes dropped), lower case."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).lower()


def says(html, english, polish):
    """The page says it, in Polish or, before the catalogue has the phrase, in English."""
    text = visible_text(html)
    return english.lower() in text or polish.lower() in text


def polish_date(day):
    with translation.override("pl"):
        return dateformat.format(day, "j E Y")


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def one_rate(db):
    # One known rate instead of the seeded table: the estimate below is computed by hand.
    InterestRate.objects.all().delete()
    InterestRate.objects.create(valid_from=datetime.date(2020, 1, 1), rate=D("10.00"))


@pytest.fixture
def ledger(account, today, one_rate):
    """Last month: 500.00 + 120.50 due 30 days ago, 400.00 paid before that → 220.50 overdue.
    This month: 500.00 + 80.25 due in 5 days (or the next working day). Owed 800.75 in all."""
    month = today.replace(day=1)
    last_month = (month - datetime.timedelta(days=1)).replace(day=1)
    late = working_day(today - datetime.timedelta(days=30), -1)
    soon = working_day(today + datetime.timedelta(days=5), 1)
    return {
        "rent_last": ChargeFactory(
            account=account, title="Czynsz", period=last_month, amount=D("500.00"), due_date=late
        ),
        "water_last": ChargeFactory(
            account=account,
            title="Woda i ścieki",
            period=last_month,
            amount=D("120.50"),
            due_date=late,
        ),
        "payment": PaymentFactory(
            account=account,
            amount=D("400.00"),
            paid_on=late - datetime.timedelta(days=2),
            title="Czynsz za lokal",
        ),
        "rent": ChargeFactory(
            account=account, title="Czynsz", period=month, amount=D("500.00"), due_date=soon
        ),
        "heating": ChargeFactory(
            account=account,
            title="Zaliczka na centralne ogrzewanie",
            period=month,
            amount=D("80.25"),
            due_date=soon,
        ),
        "late": late,
        "soon": soon,
    }


def test_balance_shows_owed_overdue_and_next_due_date(owner_client, account, ledger):
    page = owner_client.get(reverse("billing:balance", args=[account.pk])).content.decode()
    assert zl("800,75") in page  # to pay
    # balance = payments − charges = −800,75: said as what it means, never with a minus
    assert "Do zapłaty: <strong>" + zl("800,75") + "</strong>" in page
    assert "(wpłaty minus naliczenia)" not in page
    # 100.00 of the rent and all 120.50 of the water are past their due date
    assert zl("220,50") in page
    assert polish_date(ledger["late"]) in page
    assert says(page, "overdue", "po terminie")  # said in words, not by colour alone
    # next payment: this month's 500.00 + 80.25 by their due date
    assert zl("580,25") in page
    assert polish_date(ledger["soon"]) in page


def test_balance_shows_the_interest_estimate_when_enabled(owner_client, account, ledger, settings):
    # 100.00 and 120.50 late for `days` days (30 to 33, by the weekday) at 10% a year, each
    # rounded to the grosz: for 30 days 100 × 0.1 × 30 / 365 = 0.82 and 120.50 × … = 0.99.
    days = (timezone.localdate() - ledger["late"]).days

    def interest(principal):
        return (principal * D("0.10") * days / 365).quantize(D("0.01"), ROUND_HALF_UP)

    estimate = str(interest(D("100.00")) + interest(D("120.50"))).replace(".", ",")
    url = reverse("billing:balance", args=[account.pk])
    page = owner_client.get(url).content.decode()
    assert zl(estimate) in page
    assert says(page, "estimate", "szacunkowo")

    settings.BILLING_SHOW_INTEREST = False
    page = owner_client.get(url).content.decode()
    assert zl(estimate) not in page


def test_settled_and_overpaid_accounts(owner_client, account, today):
    ChargeFactory(account=account, amount=D("300.00"), due_date=today - datetime.timedelta(days=3))
    PaymentFactory(account=account, amount=D("300.00"), paid_on=today - datetime.timedelta(days=4))
    url = reverse("billing:balance", args=[account.pk])
    response = owner_client.get(url)
    assert response.context["summary"].state == "settled"
    assert says(response.content.decode(), "settled", "rozliczone")

    PaymentFactory(account=account, amount=D("45.10"), paid_on=today)
    response = owner_client.get(url)
    assert response.context["summary"].state == "overpaid"
    page = response.content.decode()
    assert zl("45,10") in page
    assert not says(page, "overdue", "po terminie")


def test_balance_chart_has_24_months_and_a_table(owner_client, account, ledger, today):
    response = owner_client.get(reverse("billing:balance", args=[account.pk]))
    page = response.content.decode()
    bars = response.context["chart"].bars
    assert len(bars) == 24
    # This month's bar ends with everything dated in it, like the headline: 400 paid, 620.50
    # charged last month, and this month's 500.00 + 80.25 (due in 5 days: later than this
    # month's end only in its last days): −800.75, or −220.50.
    this_month = ledger["soon"].month == today.month
    assert bars[-1].balance == (D("-800.75") if this_month else D("-220.50"))
    if this_month:
        assert response.context["summary"].balance == bars[-1].balance
    assert bars[-1].css_class == "bar-debt"
    assert bars[0].balance == D("0.00")
    assert 'role="img"' in page
    assert "<desc" in page
    assert "<details" in page
    assert page.count("<rect") == 24
    # the table alternative carries the same month-end figures
    # in words, never with a minus sign
    assert '<td class="num">do zapłaty 220,50\u00a0zł</td>' in page
    assert f"{MINUS}220,50" not in page


def test_current_charges_show_due_dates_and_unpaid_parts(owner_client, account, ledger):
    response = owner_client.get(reverse("billing:current", args=[account.pk]))
    page = response.content.decode()
    this_month = response.context["this_month"]
    assert [s.charge.pk for s in this_month] == [ledger["rent"].pk, ledger["heating"].pk]
    assert polish_date(ledger["soon"]) in page
    assert "580,25" in page  # this month's total
    # the earlier charges still unpaid: 100.00 of last month's rent and all the water
    earlier = {s.charge.pk: s.unpaid for s in response.context["earlier"]}
    assert earlier == {ledger["rent_last"].pk: D("100.00"), ledger["water_last"].pk: D("120.50")}
    assert re.search(r'<td class="num"[^>]*>100,00</td>', page)


def test_history_has_every_entry_with_a_running_balance(owner_client, account, ledger):
    response = owner_client.get(reverse("billing:history", args=[account.pk]) + "?rok=all")
    entries = response.context["history"].entries
    assert [(e.charge, e.payment, e.balance) for e in entries] == [
        (None, D("400.00"), D("400.00")),
        (D("500.00"), None, D("-100.00")),
        (D("120.50"), None, D("-220.50")),
        (D("500.00"), None, D("-720.50")),
        (D("80.25"), None, D("-800.75")),
    ]
    page = response.content.decode()
    assert "Woda i ścieki" in page
    assert "Czynsz za lokal" in page
    # each running balance says what it is: 400,00 paid first is an overpayment; then
    # 400,00 − 500,00 = −100,00 to pay, … 800,75 to pay after the last charge
    assert "nadpłata 400,00\u00a0zł" in page
    assert "do zapłaty 100,00\u00a0zł" in page
    assert "do zapłaty 800,75\u00a0zł" in page
    assert MINUS not in page


def test_history_year_filter_with_opening_balance(owner_client, account):
    ChargeFactory(account=account, amount=D("200.00"), due_date=datetime.date(2025, 12, 10))
    PaymentFactory(account=account, amount=D("150.00"), paid_on=datetime.date(2025, 12, 9))
    ChargeFactory(account=account, amount=D("210.00"), due_date=datetime.date(2026, 1, 10))
    PaymentFactory(account=account, amount=D("260.00"), paid_on=datetime.date(2026, 1, 12))
    url = reverse("billing:history", args=[account.pk])

    hist = owner_client.get(url + "?rok=2026").context["history"]
    assert [e.day for e in hist.entries] == [datetime.date(2026, 1, 10), datetime.date(2026, 1, 12)]
    assert (hist.opening, hist.charged, hist.paid, hist.closing) == (
        D("-50.00"),
        D("210.00"),
        D("260.00"),
        D("0.00"),
    )
    hist = owner_client.get(url + "?rok=2025").context["history"]
    assert [e.day.year for e in hist.entries] == [2025, 2025]
    assert hist.opening == D("0.00")
    assert hist.closing == D("-50.00")


def test_history_defaults_to_this_year_and_rejects_a_bad_year(owner_client, account, today):
    ChargeFactory(account=account, amount=D("99.00"), due_date=datetime.date(today.year - 1, 3, 10))
    url = reverse("billing:history", args=[account.pk])
    assert owner_client.get(url).context["history"].year == today.year
    response = owner_client.get(url + "?rok=1e3")
    assert response.status_code == 200
    assert response.context["history"].year == today.year
    assert response.context["form"].errors  # told next to the field, not a 500
    assert (
        owner_client.get(reverse("billing:history_csv", args=[account.pk]) + "?rok=abc").status_code
        == 404
    )


def test_index_lists_each_account_with_its_balance(client, owner, account, make_account, ledger):
    from tests.factories import AccessFactory

    second = make_account(number="7777")
    AccessFactory(user=owner, account=second)
    ChargeFactory(account=second, amount=D("50.00"), due_date=datetime.date(2020, 2, 10))
    PaymentFactory(account=second, amount=D("75.00"), paid_on=datetime.date(2020, 2, 1))
    client.force_login(owner)
    response = client.get(reverse("billing:index"))
    rows = {a.number: s for a, s in response.context["rows"]}
    assert rows[account.number].owed == D("800.75")
    assert rows["7777"].state == "overpaid"
    assert rows["7777"].overpaid == D("25.00")
    page = response.content.decode()
    assert zl("800,75") in page
    assert zl("25,00") in page


def test_pay_page_shows_amount_number_title_and_recipient(owner_client, account, ledger, settings):
    page = owner_client.get(reverse("billing:pay", args=[account.pk])).content.decode()
    assert zl("800,75") in page
    assert account.virtual_nrb_display in page  # in groups of four
    assert f"konto {account.number}" in page
    assert settings.MANAGER_NAME in page
    assert settings.MANAGER_NIP in page
    assert reverse("billing:pay_qr", args=[account.pk]) in page
    assert 'alt="' in page
    # the copy buttons are hidden until the script finds a clipboard: without JavaScript
    # the number is plain text
    assert "copy.js" in page
    assert " hidden>" in page


def test_fees_tile_and_nav_link_on_the_dashboard(owner_client):
    page = owner_client.get(reverse("dashboard")).content.decode()
    # the tile, the tasks' row (wide screens) and the tasks' Menu (phones)
    assert page.count(f'href="{reverse("billing:index")}"') == 3


# Access: every billing URL is the account's own (the generic checks are in
# tests/ebok/test_access_scoping.py); here, what happens when the access ends.


@pytest.mark.parametrize("url", BILLING_SCOPED, ids=str)
def test_ended_access_hides_every_billing_page(client, owner, account, url):
    path = reverse(url.name, args=[account.pk])
    client.force_login(owner)
    assert client.get(path).status_code == url.ok
    account_access_end(account=account)
    assert client.get(path).status_code == 404
    assert client.get(reverse("billing:index")).context["rows"] == []


@pytest.mark.parametrize("url", BILLING_SCOPED, ids=str)
def test_a_co_holder_sees_the_account_too(client, account, co_holder, url):
    client.force_login(co_holder)
    assert client.get(reverse(url.name, args=[account.pk])).status_code == url.ok


# Query counts: constant whatever the length of the history.


def make_history(account, months):
    """`months` months of two charges and one payment each, ending last month."""
    start = timezone.localdate().replace(day=1)
    charges, payments = [], []
    for i in range(months, 0, -1):
        year, month = divmod(start.year * 12 + start.month - 1 - i, 12)
        period = datetime.date(year, month + 1, 1)
        for title, amount in (("Czynsz", D("512.30")), ("Woda", D("88.15"))):
            charges.append(
                Charge(
                    account=account,
                    title=title,
                    period=None,
                    quantity=1,
                    unit_price=amount,
                    amount=amount,
                    vat_rate="zw",
                    due_date=period.replace(day=10),
                )
            )
        payments.append(
            Payment(
                account=account,
                amount=D("600.00"),
                paid_on=period.replace(day=8),
                method=Payment.Method.BANK,
                title="Opłaty",
            )
        )
    Charge.objects.bulk_create(charges)
    Payment.objects.bulk_create(payments)


PAGE_NAMES = [u.name for u in BILLING_SCOPED] + ["billing:index"]
OK = {u.name: u.ok for u in BILLING_SCOPED}  # the PDF statement: a redirect to its page


def page_path(name, account):
    if name == "billing:index":
        return reverse(name)
    path = reverse(name, args=[account.pk])
    if name in ("billing:history", "billing:history_csv", "billing:history_pdf"):
        path += "?rok=all"
    return path


def view_queries(rf, user, name, account, assert_max):
    """The page's own queries: its view called directly, without the session and login
    middleware (which add the same statements to every page)."""
    path = page_path(name, account)
    match = resolve(path.split("?")[0])
    request = rf.get(path)
    request.user = user
    match.func(request, *match.args, **match.kwargs)  # the steady state: caches filled
    with assert_max(10) as queries:
        assert match.func(request, *match.args, **match.kwargs).status_code == OK.get(name, 200)
    return len(queries)


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_query_count_does_not_grow_with_history(
    client, rf, owner, account, stranger, other_account, name, django_assert_max_num_queries
):
    make_history(account, 1)
    make_history(other_account, 120)
    own, whole = [], []
    for user, acc in ((owner, account), (stranger, other_account)):
        own.append(view_queries(rf, user, name, acc, django_assert_max_num_queries))
        client.force_login(user)
        client.get(reverse("billing:index"))  # the first request also records the session
        client.get(page_path(name, acc))  # and fills the caches (rates, data as of, menu)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page_path(name, acc)).status_code == OK.get(name, 200)
        whole.append(len(queries))
    assert own[0] == own[1]
    assert whole[0] == whole[1]
