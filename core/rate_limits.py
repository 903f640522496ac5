"""Per-user limits on what residents send (allauth's rate limits, counted in the cache).

allauth refuses when it cannot reach the cache; for a resident's report or message that would
turn a Redis outage into refused reports of burst pipes, so here a refusal stands only while
the cache answers (the limit is a guard against floods, not a gate)."""

import uuid

from allauth.core import ratelimit
from django.core.cache import cache
from django.http import HttpRequest


def allowed(request: HttpRequest, action: str) -> bool:
    """Count one `action` of the logged-in user; False when over the limit (see
    ACCOUNT_RATE_LIMITS)."""
    if ratelimit.consume(request, action=action, user=request.user):
        return True
    return not _cache_answers()


def _cache_answers() -> bool:
    probe = f"rate-limits:probe:{uuid.uuid4().hex}"
    try:
        added = cache.add(probe, 1, timeout=5)
    except Exception:  # noqa: BLE001 - any cache failure means it does not answer
        return False
    if added:
        cache.delete(probe)
    return bool(added)
