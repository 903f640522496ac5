"""Cached reads retired when a statement changes."""

from django.core.cache import cache
from django.db.models.signals import post_save
from django.dispatch import receiver

from billing.bank.models import StatementImport
from billing.bank.queries import DATA_AS_OF_KEY


@receiver(post_save, sender=StatementImport)
def statement_saved(**kwargs):
    # The import's own status updates are UPDATEs without signals: it clears the key itself.
    cache.delete(DATA_AS_OF_KEY)
