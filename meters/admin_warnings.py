"""The admin front page's task for BOK: meters whose legalisation has expired, to replace."""

from django.utils import timezone
from django.utils.translation import ngettext

from meters.models import Meter


def expired_meters(request) -> list[str]:
    if not request.user.has_perm("meters.change_meter"):
        return []
    count = Meter.objects.filter(
        removed_on__isnull=True, legalisation_expires_on__lt=timezone.localdate()
    ).count()
    if not count:
        return []
    return [
        ngettext(
            "%(count)d water meter has an expired legalisation and must be replaced "
            "(Water meters → filter: legalisation expired).",
            "%(count)d water meters have an expired legalisation and must be replaced "
            "(Water meters → filter: legalisation expired).",
            count,
        )
        % {"count": count}
    ]
