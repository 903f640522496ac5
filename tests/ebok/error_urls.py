"""The site's URLs and three that fail, for tests/ebok/test_error_pages.py."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path

from ebok.urls import handler500
from ebok.urls import urlpatterns as site_urls

__all__ = ["handler500", "urlpatterns"]


def forbidden(request):
    raise PermissionDenied("nobody may")


def missing(request):
    raise Http404("no such row")


def broken(request):
    raise RuntimeError("a bug")


def broken_with_personal_data(request):
    # As a database error quotes the row it refused (built here, so that the source lines an
    # error report shows do not hold them).
    pesel, email = "9001011" + "2345", "jan.kowalski" + "@example.pl"
    raise ValueError(f"Key (pesel, email)=({pesel}, {email}) already exists")


urlpatterns = [
    path("test-403/", forbidden),
    path("test-404/", missing),
    path("test-500/", broken),
    path("test-500-personal/", broken_with_personal_data),
    *site_urls,
]
