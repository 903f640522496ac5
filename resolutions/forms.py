from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Choice


class VoteForm(forms.Form):
    """One ballot's vote; the ballot's id travels beside it and prefixes the field names."""

    choice = forms.ChoiceField(
        label=_("Your vote"),
        choices=Choice.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose for, against or abstain.")},
    )
