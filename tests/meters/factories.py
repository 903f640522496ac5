import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from meters.models import Meter, Reading, ReadingWindow
from tests.factories import PremisesFactory, UserFactory


class MeterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meter

    premises = factory.SubFactory(PremisesFactory)
    kind = Meter.Kind.COLD
    serial_number = factory.Sequence(lambda n: f"ZW-{n:06d}")
    installed_on = datetime.date(2020, 1, 1)
    legalisation_expires_on = datetime.date(2030, 1, 1)


class ReadingFactory(factory.django.DjangoModelFactory):
    """A stored reading, as history; new readings in tests go through the services."""

    class Meta:
        model = Reading

    meter = factory.SubFactory(MeterFactory)
    value = Decimal("100.000")
    read_on = datetime.date(2025, 1, 1)
    source = Reading.Source.RESIDENT
    submitted_by = factory.SubFactory(UserFactory)


class WindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadingWindow

    name = "Odczyty"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=5))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=5))


def meter_of(user, **kwargs):
    """A meter in the premises of the user's (only) account."""
    account = user.account_accesses.get().account
    return MeterFactory(premises=account.premises, **kwargs)
