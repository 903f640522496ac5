from allauth.account.internal.flows.login import record_authentication
from allauth.account.utils import perform_login
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import queries, services
from .forms import NewPasswordForm
from .profile import ProfileError, email_change_confirm


@login_required
def account_detail(request, pk):
    account = queries.get_account_for_user(request.user, pk)
    return render(request, "accounts/account_detail.html", {"account": account})


@login_required
@require_http_methods(["GET", "POST"])
def first_password(request):
    if not request.user.must_change_password:
        return redirect("dashboard")
    form = NewPasswordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.password_first_change(
            user=request.user, password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password is set. Welcome to e-BOK."))
        # Staff go on to the panel, which first sets up their authenticator app.
        return redirect("admin:index" if request.user.is_staff else "dashboard")
    return render(request, "accounts/first_password.html", {"form": form})


@require_http_methods(["GET", "POST"])
def activate(request, token):
    try:
        issue = services.activation_lookup(token)
    except services.ActivationInvalid as exc:
        return render(request, "accounts/activation_invalid.html", {"reason": exc}, status=410)
    form = NewPasswordForm(request.POST or None, user=issue.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.activation_complete(
                token=token, password=form.cleaned_data["new_password1"]
            )
        except services.ActivationInvalid as exc:
            return render(request, "accounts/activation_invalid.html", {"reason": exc}, status=410)
        except ValidationError as exc:
            form.add_error("new_password1", exc)
        else:
            messages.success(request, _("Your account is active. Welcome to e-BOK."))
            # The same login as the login page's: one with an authenticator app is asked for
            # its code before the session is opened.
            user.backend = "django.contrib.auth.backends.ModelBackend"
            record_authentication(request, user, "password", activation=True)
            return perform_login(request, user, redirect_url=reverse("dashboard"))
    return render(
        request, "accounts/activate.html", {"form": form, "login_name": issue.user.username}
    )


def email_confirm(request, token):
    """The link sent to a new e-mail address: opening it makes the address the login e-mail."""

    try:
        user = email_change_confirm(token=token)
    except ProfileError as error:
        return render(request, "accounts/email_confirm.html", {"error": error.message}, status=410)
    return render(request, "accounts/email_confirm.html", {"email": user.email})
