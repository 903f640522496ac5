import time

from django.conf import settings


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
