from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AccessibilityRequest


class RequestForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(
        label=_("Your e-mail address"), max_length=254, help_text=_("We send the answer here.")
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    element = forms.CharField(
        label=_("Page or element"),
        max_length=500,
        help_text=_("The address of the page or a description of the element."),
    )
    need = forms.CharField(
        label=_("What do you need?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    alternative = forms.CharField(
        label=_("Preferred alternative form of access"),
        max_length=300,
        required=False,
        help_text=_("E.g. a letter, a phone call, an accessible PDF, a text in large print."),
    )
    # A honeypot: people never see it (hidden by the stylesheet); robots fill it in.
    website = forms.CharField(label=_("Leave this empty"), required=False)


class ExtendForm(forms.Form):
    to = forms.DateField(label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label=_("Reason for the delay"), widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 8}))


STATUS = AccessibilityRequest.Status
