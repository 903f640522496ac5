"""Reads for resident pages. A report is made for an account, and every user who may act for
that account now sees it, its photos and its timeline, whether the fault is in the premises or
in a common part: co-holders share their reports. A user whose access ended no longer does,
even for a report they made; strangers never do."""

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from accounts.queries import accounts_for_user

from .models import OPEN_STATUSES, FaultEvent, FaultPhoto, FaultReport


def _visible(user) -> QuerySet[FaultReport]:
    return FaultReport.objects.filter(account__in=accounts_for_user(user).values("pk"))


def reports_for_user(user):
    return (
        _visible(user)
        .select_related("building", "premises__building")
        .annotate(photo_count=Count("photos"))
        .order_by("-created_at", "-pk")
    )


def open_count_for_user(user) -> int:
    """Reports the user sees that are not resolved or rejected yet: one query."""
    return _visible(user).filter(status__in=OPEN_STATUSES).count()


def get_report_for_user(user, pk):
    report = (
        _visible(user)
        .filter(pk=pk)
        .select_related("building", "premises__building", "account", "reporter")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=FaultEvent.objects.filter(public=True).select_related("author", "photo"),
                to_attr="public_events",
            ),
            Prefetch("photos", queryset=FaultPhoto.objects.order_by("created_at", "pk")),
        )
        .first()
    )
    if report is None:
        raise Http404
    return report


def get_photo_for_user(user, pk):
    photo = FaultPhoto.objects.filter(pk=pk, report__in=_visible(user).values("pk")).first()
    if photo is None:
        raise Http404
    return photo


def report_by_token(user, token) -> FaultReport | None:
    """The report this user already sent with this form's one-time token, or None."""
    if token is None:
        return None
    return FaultReport.objects.filter(idempotency_key=token, reporter=user).first()
