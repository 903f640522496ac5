"""The first step of a clerk's action on behalf of residents (a message, a fault taken by
phone): find the account by its number; the next step offers the people who may act for it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Account, AccountAccess, User


class AccountNumberForm(forms.Form):
    account = forms.CharField(
        label=_("Account number"),
        max_length=20,
        help_text=_("As on the resident's letter or in the register."),
    )

    def clean_account(self):
        number = self.cleaned_data["account"].strip()
        account = (
            Account.objects.active()
            .filter(number=number)
            .select_related("premises__building")
            .first()
        )
        if account is None:
            raise forms.ValidationError(_("There is no active account with this number."))
        return account


def account_from_query(request):
    """The account named by `?account=<number>` (a bound AccountNumberForm), or the form."""
    form = AccountNumberForm(request.GET if "account" in request.GET else None)
    if form.is_valid():
        return form.cleaned_data["account"], form
    return None, form


def account_people(account):
    """The active users who may act for the account now, by name."""
    return (
        User.objects.filter(
            is_active=True,
            account_accesses__in=AccountAccess.objects.current().filter(account=account),
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        name = user.get_full_name()
        return f"{name} ({user.username})" if name else user.username
