from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

ALL_YEARS = "all"


class HistoryFilterForm(forms.Form):
    """The year of the payment history (a GET form: `?rok=2026` or `?rok=all`)."""

    rok = forms.ChoiceField(label=_("Year"), required=False)

    def __init__(self, data, *, years, default, all_years=True):
        self.default = default
        super().__init__(data)
        # The page shows one year at a time; the downloads may have them all.
        cast(forms.ChoiceField, self.fields["rok"]).choices = [(str(y), str(y)) for y in years] + (
            [(ALL_YEARS, _("All years"))] if all_years else []
        )
        self.fields["rok"].initial = str(default) if default else ALL_YEARS

    def year(self):
        """The chosen year, None for all of them; the default when nothing valid was chosen."""
        if not self.is_valid() or not self.cleaned_data["rok"]:
            return self.default
        value = self.cleaned_data["rok"]
        return None if value == ALL_YEARS else int(value)
