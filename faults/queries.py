"""Reads for resident pages. A report is made for an account, and every user who may act for
that account now sees it, its photos and its timeline, whether the fault is in the premises or
in a common part: co-holders share their reports. A user whose access ended no longer does,
even for a report they made; strangers never do."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from accounts.queries import accounts_for_user

from .models import OPEN_STATUSES, FaultPhoto, FaultReport


def _visible(user) -> QuerySet[FaultReport]:
    return FaultReport.objects.filter(account__in=accounts_for_user(user).values("pk"))


def reports_for_user(user):
    return (
        _visible(user)
        .select_related("building", "premises__building")
        .order_by("-created_at", "-pk")
    )


def open_count_for_accounts(account_ids) -> int:
    """Open reports of accounts the caller has already read for the user (the dashboard's
    list of accounts): one query on the reports alone."""
    return FaultReport.objects.filter(account_id__in=account_ids, status__in=OPEN_STATUSES).count()


TIMELINE_PAGE = 30  # entries on one page of a report's timeline, the newest last


def get_report_for_user(user, pk, page=1):
    """The report with its photos (at most FAULTS_MAX_PHOTOS) and one page of its public
    timeline (`public_events`, oldest first; `page` 1 holds the newest), with `older` when
    earlier entries exist."""
    report = (
        _visible(user)
        .filter(pk=pk)
        .select_related("building", "premises__building", "account", "reporter")
        .prefetch_related(
            Prefetch("photos", queryset=FaultPhoto.objects.order_by("created_at", "pk")),
        )
        .first()
    )
    if report is None:
        raise Http404
    start = (page - 1) * TIMELINE_PAGE
    newest_first = list(
        report.events.filter(public=True)
        .select_related("author", "photo")
        .order_by("-created_at", "-pk")[start : start + TIMELINE_PAGE + 1]
    )
    vars(report).update(  # the page's own attributes, as a prefetch's to_attr would be
        page=page,
        older=len(newest_first) > TIMELINE_PAGE,
        public_events=newest_first[:TIMELINE_PAGE][::-1],
    )
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
