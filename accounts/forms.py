from allauth.account.forms import ResetPasswordForm
from allauth.account.models import EmailAddress
from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from .models import CredentialIssue, IdentityCheck, User


class VerifiedEmailResetPasswordForm(ResetPasswordForm):
    """A reset link goes only to an address the resident has proven; the page never says
    whether the address is known."""

    users: list[User]  # set by allauth's clean_email

    def clean_email(self):
        email = super().clean_email()
        verified_users = set(
            EmailAddress.objects.filter(email__iexact=email, verified=True).values_list(
                "user_id", flat=True
            )
        )
        self.users = [u for u in self.users if u.pk in verified_users]
        return email


class NewPasswordForm(forms.Form):
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not a common password, not only digits."),
        max_length=128,
    )
    new_password2 = forms.CharField(
        label=_("Repeat the new password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=128,
    )

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_new_password1(self):
        # What is wrong with the password itself is said under the password.
        p1 = self.cleaned_data["new_password1"]
        password_validation.validate_password(p1, self.user)
        return p1

    def clean_new_password2(self):
        p1 = self.cleaned_data.get("new_password1")
        p2 = self.cleaned_data.get("new_password2")
        if p1 and p2 and p1 != p2:
            raise forms.ValidationError(_("The two passwords differ."), code="mismatch")
        return p2


class IssueCredentialsForm(forms.Form):
    document_type = forms.ChoiceField(
        label=_("ID document checked"),
        choices=[("", "—")] + list(IdentityCheck.DocumentType.choices),
        help_text=_("Record the type only; never write down the document's number."),
    )
    method = forms.ChoiceField(
        label=_("How to hand over the credentials"),
        choices=CredentialIssue.Method.choices,
        widget=forms.RadioSelect,
        initial=CredentialIssue.Method.LETTER,
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        help_text=_("Required for an activation link."),
    )
    confirm_email_change = forms.BooleanField(
        label=_("I checked the new address with the person: change their login e-mail"),
        required=False,
        help_text=_("The old address is told of the change."),
    )

    def __init__(self, *args, current_email="", **kwargs):
        super().__init__(*args, **kwargs)
        self.current_email = current_email or ""

    def clean(self):
        super().clean()
        data = self.cleaned_data
        email = data.get("email") or ""
        if data.get("method") == CredentialIssue.Method.EMAIL and not email:
            self.add_error("email", _("Enter the e-mail address the link should go to."))
        changed = email and email.lower() != self.current_email.lower()
        if changed and self.current_email and not data.get("confirm_email_change"):
            self.add_error(
                "confirm_email_change",
                _("This changes the login e-mail from %(old)s to %(new)s. Tick the box to "
                  "confirm it.") % {"old": self.current_email, "new": email},
            )
        return data

    def new_email(self):
        """The address to set, when it differs from the current one; else None."""
        email = self.cleaned_data.get("email") or ""
        if email and email.lower() != self.current_email.lower():
            return email
        return None
