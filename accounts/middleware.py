from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse


class ForcePasswordChangeMiddleware:
    """After logging in with a one-time password, nothing but the change page is reachable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = (
                reverse("first_password"),
                reverse("account_logout"),
                reverse("set_language"),
            )
            # Public pages (the accessibility statement, certificate checks) stay reachable.
            open_prefixes = ("/static/", *settings.PUBLIC_PATH_PREFIXES)
            if request.path not in allowed and not request.path.startswith(open_prefixes):
                return redirect("first_password")
        return self.get_response(request)
