"""Filters on log records, set in settings.LOGGING."""

import logging

from django.core.exceptions import PermissionDenied


class RefusalWithoutTraceback(logging.Filter):
    """A refused request (403) is an answer, not a fault: django.request logs it as one line,
    without the PermissionDenied traceback it would otherwise print each time."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
