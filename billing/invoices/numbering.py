"""Gap-free invoice numbers: `FV/2026/11/0001`, one sequence per seller, series and month of
issue. Each taxpayer has its own sequence (art. 106e ust. 1 pkt 2): the manager's invoices and
each community's (by its NIP) are numbered apart.

The next number comes from a counter row locked with SELECT … FOR UPDATE inside the issuing
transaction: a second issuer waits until the first commits (or rolls back, giving the number
back), so numbers are neither skipped nor repeated. Never "max + 1" without a lock. The unique
constraint on (seller, series, number) is the database's last word.
"""

from datetime import date

from django.db import transaction

from billing.invoices.models import InvoiceCounter


def format_number(series: str, day: date, sequence: int) -> str:
    return f"{series}/{day.year}/{day.month:02d}/{sequence:04d}"


def next_number(seller_nip: str, series: str, day: date) -> tuple[int, str]:
    """(sequence, number) of `seller_nip`'s invoice issued on `day`; call inside the issuing
    transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the issuing transaction")
    key = {"seller_nip": seller_nip, "series": series, "year": day.year, "month": day.month}
    # Make the month's row if it is missing (ON CONFLICT DO NOTHING), then lock it.
    InvoiceCounter.objects.bulk_create([InvoiceCounter(**key)], ignore_conflicts=True)
    counter = InvoiceCounter.objects.select_for_update().get(**key)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number, format_number(series, day, counter.last_number)
