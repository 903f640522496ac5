"""Reads for resident pages, scoped to the user's own accounts."""

from collections import defaultdict

from allauth.account.models import EmailAddress
from django.db.models import Prefetch
from django.http import Http404

from .models import Account, AccountAccess, Consent, User
from .roles import BOK


def accounts_for_user(user):
    """The active accounts the user may act for now, with premises and building loaded."""
    return (
        Account.objects.active()
        .with_current_access(user)
        .select_related("premises__building__community")
        .distinct()
        .order_by("premises__building__street", "premises__number", "number")
    )


def account_of_user(user, pk, *related):
    """One account the user may act for now, with premises, building and the `related` rows
    loaded, or None: one query, the same rules as accounts_for_user."""
    return (
        Account.objects.active()
        .with_current_access(user)
        .filter(pk=pk)
        .select_related("premises__building__community", *related)
        .first()
    )


def get_account_for_user(user, pk):
    account = (
        accounts_for_user(user)
        .filter(pk=pk)
        .prefetch_related(
            Prefetch(
                "accesses",
                queryset=AccountAccess.objects.current().select_related("user"),
                to_attr="current_accesses",
            )
        )
        .first()
    )
    if account is None:
        raise Http404
    return account


def people_of(account_ids):
    """account id -> (account, [users]) of current, active users who may act for it."""
    people = defaultdict(list)
    accounts = {}
    accesses = (
        AccountAccess.objects.current()
        .filter(account_id__in=account_ids, user__is_active=True)
        .select_related("user", "account__premises__building")
        .order_by("account_id", "pk")
    )
    for access in accesses:
        accounts[access.account_id] = access.account
        people[access.account_id].append(access.user)
    return {pk: (accounts[pk], people[pk]) for pk in accounts}


def bok_staff():
    """The active staff of the BOK group, by name: those a fault or a matter is assigned to
    (not the accountants, nor a superuser outside the group)."""
    return User.objects.filter(is_active=True, is_staff=True, groups__name=BOK).order_by(
        "last_name", "first_name", "username"
    )


def consent_is_given(user, kind=Consent.Kind.ELECTRONIC_DELIVERY) -> bool:
    return Consent.objects.filter(user=user, kind=kind, withdrawn_at__isnull=True).exists()


def consent_history(user):
    return list(Consent.objects.filter(user=user).order_by("-given_at", "-pk"))


def email_is_confirmed(user) -> bool:
    """Whether the user's login e-mail was proven by a link (only then do reset links go there)."""
    email = user.email or ""
    return bool(email) and EmailAddress.objects.filter(
        user=user, email__iexact=email, verified=True
    ).exists()
