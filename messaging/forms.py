from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from core.pending_uploads import KeepingFileInput, KeepsUploadsForm
from core.submissions import OneTimeTokenForm
from core.text import validate_one_line

from .models import MessagingPreference, Thread

ACCEPT = "application/pdf,image/jpeg,image/png"
ATTACHMENT_HELP = _("Optional. A PDF, JPEG or PNG file, at most 10 MB.")


def attachment_field():
    return forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=ATTACHMENT_HELP,
        widget=KeepingFileInput(attrs={"accept": ACCEPT}),
    )


class ThreadForm(KeepsUploadsForm, OneTimeTokenForm):
    upload_fields = ("attachment",)

    account = forms.TypedChoiceField(label=_("Account"), coerce=int)
    topic = forms.ChoiceField(label=_("Topic"), choices=Thread.Topic.choices)
    subject = forms.CharField(
        label=_("Subject"), max_length=200, validators=[validate_one_line], strip=False
    )
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}))
    attachment = attachment_field()

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["account"]).choices = [
            (a.pk, f"{a.premises.building.street} / {a.premises.number} ({a.number})")
            for a in accounts
        ]
        if len(accounts) == 1:
            self.fields["account"].initial = accounts[0].pk


class ReplyForm(KeepsUploadsForm, OneTimeTokenForm):
    upload_fields = ("attachment",)

    text = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 6}))
    attachment = attachment_field()


class PreferenceForm(forms.Form):
    email_notices = forms.BooleanField(
        label=_("E-mail me the manager's notices"),
        required=False,
        help_text=_("Everything always appears in your e-BOK inbox."),
    )
    email_billing = forms.BooleanField(
        label=_("E-mail me about charges and payment reminders"), required=False
    )
    email_meters = forms.BooleanField(label=_("E-mail me meter reading reminders"), required=False)
    email_faults = forms.BooleanField(
        label=_("E-mail me updates of my fault reports"), required=False
    )
    email_resolutions = forms.BooleanField(
        label=_("E-mail me about resolutions and voting"),
        required=False,
        help_text=_(
            "Answers from BOK and legal notices you agreed to receive electronically are always "
            "e-mailed."
        ),
    )

    @classmethod
    def initial_for(cls, user):
        current = MessagingPreference.objects.filter(user=user).first()
        return {
            name: getattr(current, name) if current else True
            for name in MessagingPreference.FIELDS.values()
        }
