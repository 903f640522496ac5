"""Resident pages of faults: the list, reporting a fault (emergency numbers first), a report
with its public timeline where the resident comments, adds a photo, confirms or reopens, and
the photos (served only to those who may see the report)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core import rate_limits
from core.downloads import download_view, stored_file_response
from core.paging import page_number

from . import queries, services
from .forms import CommentForm, ReopenForm, ReportForm

PAGE_SIZE = 25  # reports on one page of the list


@login_required
def index(request):
    page = Paginator(queries.reports_for_user(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "faults/index.html", {"page": page})


@login_required
def new(request):
    form = ReportForm(
        request.POST or None, request.FILES or None, user=request.user, uploader=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = queries.report_by_token(request.user, data["token"])
        if done is not None:  # the same form sent twice
            messages.info(request, _("This report was already sent."))
            return redirect("faults:detail", done.pk)
        if not rate_limits.allowed(request, "fault_report"):
            form.add_error(
                None,
                _(
                    "You have sent many reports in a short time; try again later. If people or "
                    "property are in danger, call the emergency numbers above."
                ),
            )
            return render(request, "faults/new.html", {"form": form}, status=429)
        if not form.decode_photos():
            return render(request, "faults/new.html", {"form": form})
        try:
            report = services.fault_report(
                user=request.user,
                account=data["account"],
                place=data["place"],
                category=data["category"],
                title=data["title"],
                description=data["description"],
                contact_phone=data["contact_phone"],
                emergency_declared=data["emergency"],
                photos=data["photos"],
                idempotency_key=data["token"],
            )
        except services.FaultRejected as rejected:
            form.add_error(rejected.field if rejected.field in form.fields else None, str(rejected))
        else:
            form.uploads_done()
            if report.urgent:
                messages.warning(
                    request,
                    _(
                        "Your report was sent and marked urgent; the staff on duty were told. "
                        "If people or property are in danger, call the emergency numbers now."
                    ),
                )
            else:
                messages.success(request, _("Your report was sent. We will keep you informed."))
            return redirect("faults:detail", report.pk)
    return render(request, "faults/new.html", {"form": form})


@login_required
def detail(request, pk):
    page = page_number(request.GET.get("page"))
    report = queries.get_report_for_user(request.user, pk, page)
    action = request.POST.get("action") if request.method == "POST" else None
    comment_form, reopen_form = CommentForm(), ReopenForm()
    if action == "comment":
        comment_form = CommentForm(request.POST, request.FILES, uploader=request.user)
    elif action == "reopen":
        reopen_form = ReopenForm(request.POST)
    if request.method == "POST":
        form = reopen_form if action == "reopen" else comment_form
        try:
            if _act(request, report, action, form):
                return redirect("faults:detail", report.pk)
        except services.FaultRejected as rejected:
            field = rejected.field if rejected.field in form.fields else None
            if form.is_bound:
                form.add_error(field, str(rejected))
            else:
                messages.error(request, str(rejected))
        report = queries.get_report_for_user(request.user, pk, page)
    return render(
        request,
        "faults/detail.html",
        {"report": report, "comment_form": comment_form, "reopen_form": reopen_form},
    )


def _act(request, report, action, form) -> bool:
    """The resident's action on the report: True when done, False when the form has errors."""
    if action == "comment":
        return _comment(request, report, form)
    if action == "confirm":
        services.fault_confirm(user=request.user, report=report)
        messages.success(request, _("Thank you for confirming the repair."))
        return True
    if action == "reopen":
        return _reopen(request, report, form)
    return False


def _comment(request, report, form) -> bool:
    if not form.is_valid():
        return False
    if not rate_limits.allowed(request, "fault_comment"):
        raise services.FaultRejected(
            _("You have sent many comments in a short time; try again later.")
        )
    if not form.decode_photos():
        return False
    services.fault_resident_comment(
        user=request.user,
        report=report,
        text=form.cleaned_data["text"],
        photo=form.cleaned_data["photo"],
    )
    form.uploads_done()
    messages.success(request, _("Added to your report."))
    return True


def _reopen(request, report, form) -> bool:
    if not form.is_valid():
        return False
    services.fault_reopen(user=request.user, report=report, reason=form.cleaned_data["reason"])
    messages.success(request, _("The report was reopened; the office will act."))
    return True


@download_view
@login_required
def photo(request, pk):
    photo = queries.get_photo_for_user(request.user, pk)
    return stored_file_response(
        request, photo.image, content_type="image/jpeg", as_attachment=False
    )
