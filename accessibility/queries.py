"""Reads of the accessibility pages."""

from .models import AccessibilityStatement


def statement_current():
    return AccessibilityStatement.objects.published().order_by("-published_on", "-pk").first()
