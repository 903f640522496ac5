"""Error reports to Sentry (or a compatible service), only when SENTRY_DSN is set (settings.py
calls `init`): unhandled errors of requests and Celery tasks, with the request id and the
user's id and nothing personal. The SDK is told to send no personal data (no cookies, IP
addresses or user names), no request bodies and no local variables; what is left is scrubbed
of query strings, and of e-mail addresses and 11-digit numbers (a PESEL) in error messages, as
a database error quotes the row it refused."""

import re

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

from .request_context import current_request_id, current_user_id

_PERSONAL = re.compile(r"[^\s@'\"(),;<>]+@[^\s@'\"(),;<>]+\.[A-Za-z]{2,}|(?<!\d)\d{11}(?!\d)")


def _scrub(text):
    return _PERSONAL.sub("[…]", text) if isinstance(text, str) else text


def before_send(event, hint):
    request = event.get("request")
    if request:
        request.pop("query_string", None)
        request.pop("data", None)
        request.pop("cookies", None)
        if isinstance(request.get("url"), str):
            request["url"] = request["url"].split("?", 1)[0]
    for exception in (event.get("exception") or {}).get("values") or ():
        exception["value"] = _scrub(exception.get("value"))
    if isinstance(event.get("logentry"), dict):
        for key in ("message", "formatted"):
            event["logentry"][key] = _scrub(event["logentry"].get(key))
        event["logentry"].pop("params", None)
    for crumb in (event.get("breadcrumbs") or {}).get("values") or ():
        crumb["message"] = _scrub(crumb.get("message"))
    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    user_id = current_user_id()
    event["user"] = {"id": str(user_id)} if user_id else {}
    return event


def init(*, dsn, environment, release, traces_sample_rate):
    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=traces_sample_rate,
        before_send=before_send,
    )
