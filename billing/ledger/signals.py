"""Cached reads of the ledger retired when their rows change."""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from billing.ledger.models import InterestRate
from billing.ledger.queries import RATES_KEY


@receiver([post_save, post_delete], sender=InterestRate)
def interest_rates_changed(**kwargs):
    cache.delete(RATES_KEY)
    transaction.on_commit(lambda: cache.delete(RATES_KEY), robust=True)
