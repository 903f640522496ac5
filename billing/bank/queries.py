"""The day the money data is current to, which every money page shows."""

from django.core.cache import cache
from django.db.models import Max

from billing.bank.models import StatementImport, StatementLine
from billing.ledger.models import Payment

DATA_AS_OF_KEY = "billing:data-as-of"
DATA_AS_OF_SECONDS = 60  # and cleared when a statement import finishes


def data_as_of():
    """The day the money data is current to: the newest booking date of a finished bank
    statement import, or else the newest posted payment. None when there is neither. Cached
    for a minute: every money page shows it."""
    found = cache.get(DATA_AS_OF_KEY)
    if found is None:
        found = (_data_as_of(),)
        cache.set(DATA_AS_OF_KEY, found, DATA_AS_OF_SECONDS)
    return found[0]


def _data_as_of():

    booked = StatementLine.objects.filter(statement__status=StatementImport.Status.DONE).aggregate(
        day=Max("booked_on")
    )["day"]
    if booked:
        return booked
    return Payment.objects.filter(corrects__isnull=True).aggregate(day=Max("paid_on"))["day"]
