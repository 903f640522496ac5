"""Reads for resident pages. A report about premises is seen by every user who may act for its
account now (and by its reporter); a report about a common part only by its reporter."""

from django.db.models import Count, Prefetch, Q
from django.http import Http404

from accounts.queries import accounts_for_user

from .models import OPEN_STATUSES, FaultEvent, FaultPhoto, FaultReport, Place


def _visible(user):
    shared = Q(place=Place.PREMISES, account__in=accounts_for_user(user).values("pk"))
    return FaultReport.objects.filter(Q(reporter=user) | shared)


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


def report_by_token(user, token):
    """The report this user already sent with this form's one-time token, or None."""
    if token is None:
        return None
    return FaultReport.objects.filter(idempotency_key=token, reporter=user).first()
