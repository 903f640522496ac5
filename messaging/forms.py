from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.pending_uploads import KeepingFileInput, KeepsUploadsForm
from core.submissions import OneTimeTokenForm
from core.text import validate_one_line

from .models import MessagingPreference, Thread

ACCEPT = "application/pdf,image/jpeg,image/png"
CHOOSE = _("— choose —")
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

    account = forms.TypedChoiceField(label=_("Premises"), coerce=int)
    # No topic is preselected: the topic decides who at BOK reads the message.
    topic = forms.ChoiceField(
        label=pgettext_lazy("what a message to BOK is about", "About"),
        choices=[("", CHOOSE), *Thread.Topic.choices],
        error_messages={"required": _("Choose what your message is about.")},
    )
    subject = forms.CharField(
        label=_("Title"), max_length=200, validators=[validate_one_line], strip=False
    )
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}))
    attachment = attachment_field()

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["account"])
        field.choices = [
            (a.pk, f"{a.premises.building.street} / {a.premises.number} ({a.number})")
            for a in accounts
        ]
        if len(accounts) == 1:
            field.initial = accounts[0].pk
        else:  # as with the topic, nothing is chosen for the resident
            field.choices = [("", CHOOSE), *field.choices]
            field.error_messages["required"] = _("Choose the premises your message is about.")


class ReplyForm(KeepsUploadsForm, OneTimeTokenForm):
    upload_fields = ("attachment",)

    text = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 6}))
    attachment = attachment_field()


class PreferenceForm(forms.Form):
    email_notices = forms.BooleanField(
        label=_("E-mail me the manager's notices"),
        required=False,
        help_text=_("Everything always appears under Notifications in e-BOK."),
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
