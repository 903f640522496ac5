"""Public pages: the accessibility statement and the request form (no login needed)."""

from allauth.core import ratelimit
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from . import queries, services
from .forms import RequestForm

RATE_ACTION = "accessibility_request"


def statement(request):
    current = queries.statement_current()
    return render(request, "accessibility/statement.html", {"statement": current})


@require_http_methods(["GET", "POST"])
def request_form(request):
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            return redirect("accessibility:request_sent")  # a robot: pretend, store nothing
        if not ratelimit.consume(request, action=RATE_ACTION):
            return render(
                request, "accessibility/request.html", {"form": form, "limited": True}, status=429
            )
        data = {k: v for k, v in form.cleaned_data.items() if k != "website"}
        try:
            services.request_submit(**data)
        except services.AccessibilityError as error:
            form.add_error(error.field, error.message)
        else:
            return redirect("accessibility:request_sent")
    return render(request, "accessibility/request.html", {"form": form})


def request_sent(request):
    return render(request, "accessibility/request_sent.html")
