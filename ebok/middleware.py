import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpResponseNotAllowed
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


class SlidingSessionMiddleware:
    """An idle timeout without a database write on every request: a logged-in session is saved
    again (with a new expiry) once SESSION_REFRESH_SECONDS have passed since it last was, so it
    ends between SESSION_COOKIE_AGE minus that and SESSION_COOKIE_AGE after the last request.
    Goes right after SessionMiddleware."""

    KEY = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key:
            refreshed = session.get(self.KEY, 0)  # loading drops a key that has expired
            now = int(time.time())
            if session.session_key and now - refreshed >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now  # marks the session modified: saved with a new expiry
        return response


class PrivatePagesNoStoreMiddleware:
    """Pages with personal data must not stay in a shared browser's or proxy's cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store"
        return response


class PolishUnlessChosenMiddleware:
    """Polish for everyone until they pick another language with the switch (a cookie): the
    browser's Accept-Language is not consulted. Goes right before LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class PageMethodsMiddleware:
    """Pages and forms answer GET, HEAD and POST; PUT, DELETE, PATCH, TRACE, OPTIONS and the
    rest get 405 (with the allowed methods) before any view runs: there is no API here."""

    ALLOWED = ("GET", "HEAD", "POST")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.ALLOWED:
            response = HttpResponseNotAllowed(self.ALLOWED)
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)


class AbsoluteSessionLifetimeMiddleware:
    """A logged-in session ends SESSION_ABSOLUTE_SECONDS after its login, however active: the
    idle timeout alone would let a stolen session live for ever. Goes after
    MessageMiddleware."""

    KEY = "_logged_in_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            started = request.session.get(self.KEY)
            if started is None:
                request.session[self.KEY] = now
            elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, _("Your session has ended. Please log in again."))
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


@receiver(user_logged_in, dispatch_uid="ebok_session_login_time")
def _mark_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[AbsoluteSessionLifetimeMiddleware.KEY] = int(time.time())


class UntrustedProxyWarningMiddleware:
    """Behind a proxy that sends X-Forwarded-For while no trusted proxy is configured, every
    client shares the proxy's address in rate limits: say so in the log, loudly, once per
    process (with DEBUG off a deploy check also insists on TRUSTED_PROXY_COUNT)."""

    warned = False

    def __init__(self, get_response):
        self.get_response = get_response
        self.configured = bool(
            settings.ALLAUTH_TRUSTED_PROXY_COUNT or settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER
        )

    def __call__(self, request):
        if (
            not self.configured
            and not UntrustedProxyWarningMiddleware.warned
            and "HTTP_X_FORWARDED_FOR" in request.META
        ):
            UntrustedProxyWarningMiddleware.warned = True
            log.error(
                "A request came through a proxy (X-Forwarded-For) but TRUSTED_PROXY_COUNT and "
                "TRUSTED_CLIENT_IP_HEADER are not set: every client shares the proxy's IP in "
                "login rate limits and the audit log. Set TRUSTED_PROXY_COUNT."
            )
        return self.get_response(request)
