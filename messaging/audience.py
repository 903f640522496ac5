"""Who a notice reaches: the users with current access to an active account that matches the
notice's audience, each user once, however many matching accounts they have."""

from django.db.models import Exists, OuterRef, Q

from accounts.models import Account, AccountAccess, User

from .models import MessagingPreference, Notice


def matching_accounts(notice):
    accounts = Account.objects.active()
    audience = notice.audience
    if audience == Notice.Audience.ACCOUNT_KIND:
        return accounts.filter(kind=notice.audience_kind)
    if audience == Notice.Audience.COMMUNITY:
        return accounts.filter(premises__building__community_id=notice.audience_community_id)
    if audience == Notice.Audience.BUILDING:
        return accounts.filter(premises__building_id=notice.audience_building_id)
    if audience == Notice.Audience.ACCOUNTS:
        return accounts.filter(pk__in=notice.audience_accounts.values("pk"))
    return accounts


def audience_users(notice):
    """A queryset of the users the notice is for (one row per user: EXISTS, not a join)."""
    access = AccountAccess.objects.current().filter(
        user=OuterRef("pk"), account__in=matching_accounts(notice).values("pk")
    )
    return User.objects.filter(Exists(access), is_active=True)


def wants_no_email():
    """A condition on users: no address, or notice e-mails turned off."""
    opted_out = MessagingPreference.objects.filter(user=OuterRef("pk"), email_notices=False)
    return Q(email="") | Q(Exists(opted_out))
