"""The admin front page's task for BOK: meters whose legalisation has expired, to replace."""

from django.utils import timezone
from django.utils.translation import ngettext

from meters.queries import meters_by_legalisation


def expired_meters_message(count: int) -> str:
    return ngettext(
        "%(count)d water meter with an expired legalisation to replace",
        "%(count)d water meters with an expired legalisation to replace",
        count,
    ) % {"count": count}


def expired_meters(request) -> list[str]:
    if not request.user.has_perm("meters.change_meter"):
        return []
    count = meters_by_legalisation("expired", timezone.localdate()).count()
    if not count:
        return []
    return [expired_meters_message(count)]
