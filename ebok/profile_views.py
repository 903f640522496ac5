"""The resident's profile: contact data and accounts, phone, e-mail (verified by a link),
e-mail choices per kind of notification (messaging) and consent to electronic delivery of
documents (accounts). The page composes apps, so it lives in ebok."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import profile as accounts_profile
from accounts.models import Consent, EmailChange
from accounts.queries import (
    accounts_for_user,
    consent_history,
    consent_is_given,
    email_is_confirmed,
)
from core import rate_limits
from messaging import services as messaging_services
from messaging.forms import PreferenceForm

EMAIL_RATE_ACTION = "profile_email"


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("Phone"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("Empty: no phone."),
    )


class EmailForm(forms.Form):
    email = forms.CharField(
        label=gettext_lazy("New e-mail address"),
        max_length=254,
        help_text=gettext_lazy(
            "We send a link to the new address; it becomes your e-mail when you open the link."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=gettext_lazy("Your current password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=gettext_lazy("We ask for it so that nobody else can change your address."),
    )


class ConsentForm(forms.Form):
    consent = forms.BooleanField(
        label=gettext_lazy(
            "I agree to receive documents that must be given to me in writing (e.g. notices "
            "of resolutions) electronically, in e-BOK and by e-mail, instead of by post."
        ),
        required=False,
    )


def _page(request, phone_form=None, email_form=None, preference_form=None, status=200):
    user = request.user
    pending = (
        EmailChange.objects.filter(user=user, confirmed_at__isnull=True)
        .order_by("-requested_at")
        .first()
    )
    given = consent_is_given(user)
    return render(
        request,
        "ebok/profile.html",
        {
            "accounts": list(accounts_for_user(user)),
            "phone_form": phone_form or PhoneForm(initial={"phone": user.phone}),
            "email_form": email_form or EmailForm(),
            "pending_email": pending,
            "email_confirmed": email_is_confirmed(user),
            "preference_form": preference_form
            or PreferenceForm(initial=PreferenceForm.initial_for(user)),
            "consent_form": ConsentForm(initial={"consent": given}),
            "consent_given": given,
            "consent_history": consent_history(user),
        },
        status=status,
    )


@login_required
def profile(request):
    return _page(request)


@login_required
@require_POST
def profile_phone(request):
    form = PhoneForm(request.POST)
    if form.is_valid():
        try:
            accounts_profile.phone_change(user=request.user, phone=form.cleaned_data["phone"])
        except accounts_profile.ProfileError as error:
            form.add_error("phone", error.message)
        else:
            messages.success(request, _("Your phone number is saved."))
            return redirect("profile")
    return _page(request, phone_form=form, status=400)


@login_required
@require_POST
def profile_email(request):
    form = EmailForm(request.POST)
    if form.is_valid():
        # Each request mails an address nobody has proven yet: a few an hour are enough.
        if not rate_limits.allowed(request, EMAIL_RATE_ACTION):
            form.add_error(
                "email", _("Too many address changes were asked for. Try again in an hour.")
            )
            return _page(request, email_form=form, status=429)
        try:
            change = accounts_profile.email_change_request(
                user=request.user,
                new_email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
            )
        except accounts_profile.ProfileError as error:
            form.add_error(error.field or "email", error.message)
        else:
            messages.success(
                request,
                _("We sent a link to %(email)s. Open it to confirm the new address.")
                % {"email": change.new_email},
            )
            return redirect("profile")
    return _page(request, email_form=form, status=400)


@login_required
@require_POST
def profile_email_confirm(request):
    """A link to the current address, so that password reset links may go there."""
    if not rate_limits.allowed(request, EMAIL_RATE_ACTION):
        messages.error(request, _("Too many links were asked for. Try again in an hour."))
        return redirect("profile")
    try:
        change = accounts_profile.email_confirm_request(user=request.user)
    except accounts_profile.ProfileError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("We sent a link to %(email)s. Open it to confirm the address.")
            % {"email": change.new_email},
        )
    return redirect("profile")


@login_required
@require_POST
def profile_preferences(request):
    form = PreferenceForm(request.POST)
    if form.is_valid():
        messaging_services.preference_set(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your e-mail choices are saved."))
        return redirect("profile")
    return _page(request, preference_form=form, status=400)


@login_required
@require_POST
def profile_consent(request):
    form = ConsentForm(request.POST)
    given = form.is_valid() and form.cleaned_data["consent"]
    changed = accounts_profile.consent_set(
        user=request.user, given=given, kind=Consent.Kind.ELECTRONIC_DELIVERY
    )
    if changed:
        messages.success(
            request,
            _("Your consent is recorded.") if given else _("Your consent is withdrawn."),
        )
    return redirect("profile")
