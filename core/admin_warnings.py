"""Warnings staff see on the admin's front page (e.g. a table nobody kept up to date). Apps
register a function of the request that returns the messages for that user."""

from collections.abc import Callable

from django.http import HttpRequest

_CHECKS: list[Callable] = []


def register(check: Callable) -> Callable:
    if check not in _CHECKS:
        _CHECKS.append(check)
    return check


def warnings_for(request: HttpRequest) -> list[str]:
    return [message for check in _CHECKS for message in check(request)]
