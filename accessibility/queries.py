"""Reads of the accessibility pages."""

from .models import AccessibilityStatement


def statement_current() -> AccessibilityStatement | None:
    return AccessibilityStatement.objects.published().order_by("-published_on", "-pk").first()
