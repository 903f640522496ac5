"""Resident pages of meters: the meters of each premises, submitting a reading (with a
confirmation step for unusual values), a meter's history with a chart, and reading photos."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import rate_limits
from core.downloads import download_view, stored_file_response
from core.paging import page_number

from . import pending, queries, services
from .chart import consumption_chart
from .forms import ReadingForm


@login_required
def index(request):
    return render(
        request,
        "meters/index.html",
        {"groups": queries.meters_by_premises(request.user), "today": timezone.localdate()},
    )


@login_required
def detail(request, pk):
    meter = queries.get_meter_for_user(request.user, pk)
    history = queries.meter_history_page(
        meter, since=meter.visible_since, page=page_number(request.GET.get("page"))
    )
    high = {month for month, _amount in history.leak.months} if history.leak else set()
    return render(
        request,
        "meters/detail.html",
        {
            "meter": meter,
            "history": history,
            "chart": consumption_chart(history.monthly[-24:], high),
            "replaces": getattr(meter, "replaces", None),
            "withdrawable": queries.withdrawable_reading(request.user, meter, history.newest),
        },
    )


@login_required
@require_POST
def withdraw(request, pk):
    meter = queries.get_meter_for_user(request.user, pk)
    try:
        reading = services.reading_withdraw(user=request.user, meter=meter)
    except services.ReadingRejected as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("Your reading of %(day)s was withdrawn; you can submit the right one.")
            % {"day": date_format(reading.read_on, "j E Y")},
        )
    return redirect("meters:detail", meter.pk)


@login_required
def submit(request, pk):
    meter = queries.get_meter_for_user(request.user, pk)
    today = timezone.localdate()
    window = queries.open_window(meter.premises, today)
    context = {
        "meter": meter,
        "window": window,
        "next_window": None if window else queries.next_window(meter.premises, today),
    }
    if request.method != "POST":
        if window and meter.is_active:
            context["form"] = ReadingForm(initial={"token": uuid.uuid4()})
        return render(request, "meters/submit.html", context)

    form = ReadingForm(request.POST, request.FILES, uploader=request.user)
    context["form"] = form
    if not form.is_valid():
        return render(request, "meters/submit.html", context)
    data = form.cleaned_data
    if not rate_limits.allowed(request, "reading_submit"):
        form.add_error(None, _("You have sent many readings in a short time; try again later."))
        return render(request, "meters/submit.html", context, status=429)
    if not form.decode_photos():
        return render(request, "meters/submit.html", context)
    try:
        photo, kept = _photo_to_save(request.user, data)
    except pending.PhotoGone:
        form.add_error("photo", _("The photo you attached is no longer kept; attach it again."))
        return render(request, "meters/submit.html", context)
    return _save(request, meter, form, context, photo, kept)


def _photo_to_save(user, data):
    """The photo of the reading and the kept one it came from: sent now, or kept from the
    submit that asked to confirm (raises pending.PhotoGone when that one is gone)."""
    if data["photo"] is None and data["pending_photo"]:
        kept, photo = pending.take(user, data["pending_photo"])
        return photo, kept
    return data["photo"], None


def _save(request, meter, form, context, photo, kept):
    """The reading submitted: saved, or the form again with why not."""
    data = form.cleaned_data
    try:
        reading = services.reading_submit(
            user=request.user,
            meter=meter,
            value=data["value"],
            read_on=data["read_on"],
            photo=photo,
            confirmed=data["confirmed"],
            idempotency_key=data["token"],
        )
    except services.ReadingNeedsConfirmation as unusual:
        return _ask_to_confirm(request, context, unusual, photo, kept)
    except services.ReadingWindowClosed as closed:
        form.add_error(None, str(closed))
        return render(request, "meters/submit.html", context)
    except services.ReadingRejected as rejected:
        form.add_error(rejected.field, str(rejected))
        return render(request, "meters/submit.html", context)
    pending.drop(kept)
    form.uploads_done()
    _say_saved(request, meter, reading)
    return redirect("meters:detail", meter.pk)


def _ask_to_confirm(request, context, unusual, photo, kept):
    """The form again, to confirm an unusual reading: the photo already sent is kept for the
    confirming submit."""
    context["form"].uploads_done()  # the photo goes on as the reading's own kept photo
    again = request.POST.copy()
    again["pending_photo"] = pending.keep(request.user, photo) if photo else ""
    again.pop("confirmed", None)
    if kept:
        pending.drop(kept)
    form = ReadingForm(again)
    form.is_valid()
    return render(
        request,
        "meters/submit.html",
        {**context, "form": form, "needs_confirmation": unusual, "had_photo": bool(photo)},
    )


def _say_saved(request, meter, reading):
    if services.legalisation_expired(meter, reading.read_on):
        messages.warning(
            request,
            _(
                "The legalisation of this meter expired on %(day)s. We saved the reading; the "
                "office will contact you about replacing the meter."
            )
            % {"day": date_format(meter.legalisation_expires_on, "j E Y")},
        )
    elif reading.status == reading.Status.FLAGGED:
        messages.warning(request, _("Reading saved. It is unusual, so the office will check it."))
    else:
        messages.success(request, _("Reading saved. Thank you."))


@download_view
@login_required
def photo(request, pk):
    reading = queries.get_reading_photo_for_user(request.user, pk)
    return stored_file_response(
        request, reading.photo, content_type="image/jpeg", as_attachment=False
    )
