import datetime
from decimal import Decimal

import factory

from billing.ledger.deadlines import is_working_day
from billing.models import Charge, Component, Fee, Payment
from demo.ledger import RESIDENTIAL_EXEMPTION
from tests.factories import AccountFactory


def component(code="rent"):
    return Component.objects.get(code=code)  # made by the billing data migration


class ChargeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Charge

    account = factory.SubFactory(AccountFactory)
    component = None
    period = None
    title = "Czynsz"
    quantity = Decimal("1")
    unit_price = factory.SelfAttribute("amount")
    amount = Decimal("100.00")
    vat_rate = "zw"
    vat_basis = factory.LazyAttribute(
        lambda charge: RESIDENTIAL_EXEMPTION if charge.vat_rate == "zw" else ""
    )
    due_date = datetime.date(2026, 1, 10)


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    account = factory.SubFactory(AccountFactory)
    amount = Decimal("100.00")
    paid_on = datetime.date(2026, 1, 8)
    method = Payment.Method.BANK
    title = "Czynsz"


class FeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fee

    account = factory.SubFactory(AccountFactory)
    component = factory.LazyFunction(component)
    basis = Fee.Basis.PER_M2
    unit_price = Decimal("9.8700")
    quantity = None
    valid_from = datetime.date(2020, 1, 1)


def working_day(day: datetime.date, step: int) -> datetime.date:
    """`day`, or the nearest working day before it (step −1) or after it (step 1): a due date on
    a Saturday or a holiday would move to the next working day (art. 115 k.c.), and the pages
    would show that day instead of the one a test wrote."""
    while not is_working_day(day):
        day += datetime.timedelta(days=step)
    return day


def water_part_of_the_rent():
    """The rule staff may set instead of the default 8% (docs/ksef.md): a municipal flat's water
    is part of its exempt rent. For tests whose figures are about water use, not VAT."""
    from billing.ledger.models import VatRule

    return VatRule.objects.create(
        component=Component.objects.get(code="water_sewage"),
        account_kind="municipal_tenancy",
        valid_from=datetime.date(2000, 1, 2),
        vat_rate="zw",
        exemption_basis=RESIDENTIAL_EXEMPTION,
    )
