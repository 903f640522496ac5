"""Reads of water settlements for resident pages, scoped to the user's own accounts."""

from django.db.models import QuerySet
from django.http import Http404

from accounts.queries import accounts_for_user
from billing.water.models import Settlement

# A resident's list shows this many newest documents per account (ten years of half-years).
LIST_LIMIT = 20


def settlements_for_user(user) -> QuerySet[Settlement]:
    return Settlement.objects.filter(
        account__in=accounts_for_user(user).values("pk")
    ).select_related("account__premises__building")


def settlement_rows_for_user(user):
    """[(account, [documents newest first])] for each of the user's accounts with any."""
    accounts = list(accounts_for_user(user))
    rows = []
    for account in accounts:
        documents = list(
            Settlement.objects.filter(account=account)
            .select_related("correction")
            .order_by("-period_end", "-pk")[:LIST_LIMIT]
        )
        rows.append((account, documents))
    return rows


def get_settlement_for_user(user, pk) -> Settlement:
    document = settlements_for_user(user).filter(pk=pk).first()
    if document is None:
        raise Http404
    return document
