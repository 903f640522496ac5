"""The admin front page's warning about the statutory interest rate table."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from billing.ledger.models import InterestRate


def interest_rates_outdated(request) -> list[str]:
    """For staff who keep the table: a warning when its newest rate is older than the setting,
    or when it is empty."""
    if not request.user.has_perm("billing.add_interestrate"):
        return []
    newest = InterestRate.objects.aggregate(day=Max("valid_from"))["day"]
    limit = timezone.localdate() - timedelta(days=settings.BILLING_INTEREST_RATE_MAX_AGE_DAYS)
    if newest is None:
        return [_("The table of statutory interest rates is empty: interest is not computed.")]
    if newest >= limit:
        return []
    return [
        _(
            "The newest statutory interest rate is from %(day)s. Check the NBP reference rate "
            "(statutory interest for delay = reference rate + 5.5 percentage points) and add "
            "any change in Billing → Interest rates."
        )
        % {"day": formats.date_format(newest, "j E Y")}
    ]
