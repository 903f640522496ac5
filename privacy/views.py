"""The resident's "my data" page: request an export, watch it (a <meta refresh> while it is
prepared, no JavaScript), download it while it is kept."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.downloads import download_view

from . import queries, services


@login_required
@require_http_methods(["GET", "POST"])
def index(request):
    if request.method == "POST":
        services.export_request(user=request.user)
        messages.success(request, _("Your data is being prepared. This page refreshes itself."))
        return redirect("privacy:index")
    exports = queries.exports_of(request.user)
    return render(
        request,
        "privacy/index.html",
        {
            "exports": exports,
            "refresh": any(e.in_progress for e in exports),
            "days": settings.PRIVACY_EXPORT_DAYS,
        },
    )


@download_view
@login_required
def download(request, pk):
    export = queries.get_export_for_user(request.user, pk)
    content = queries.export_file_of(export)
    if content is None:
        if not export.is_ready:
            raise Http404
        # Ready, yet its file is gone from storage: the data is put together again.
        services.export_request(user=request.user)
        messages.info(
            request,
            _("The file was no longer there, so your data is being prepared again. "
              "This page refreshes itself."),
        )
        return redirect("privacy:index")
    response = HttpResponse(content, content_type="application/zip")
    stamp = f"{timezone.localtime(export.requested_at):%Y-%m-%d}"
    response["Content-Disposition"] = f'attachment; filename="moje-dane-{stamp}.zip"'
    return response
