from typing import cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.queries import accounts_for_user
from core.pending_uploads import KeepingFileInput, KeepsUploadsForm
from core.submissions import OneTimeTokenForm
from core.text import validate_one_line
from core.uploads import ACCEPT, PhotoForm, PhotoRejected, check_photo, check_request_pixels

from .models import Category, Place
from .phones import normalize_phone

PHOTO_HELP = _("A JPEG, PNG or HEIC photo, at most 10 MB.")


def _refusal(photo, error):
    return _("%(name)s: %(error)s") % {"name": photo, "error": error}


def _check(photo):
    """The photo judged from its header; decoded later by the form's decode_photos()."""
    try:
        return check_photo(
            photo,
            max_bytes=settings.FAULTS_PHOTO_MAX_BYTES,
            max_pixels=settings.FAULTS_PHOTO_MAX_PIXELS,
        )
    except PhotoRejected as error:
        raise ValidationError(_refusal(photo.name, error)) from error


class FaultPhotoForm(PhotoForm):
    def photo_refusal(self, photo, error):
        return _refusal(photo, error)


class PhotosField(forms.FileField):
    """Up to FAULTS_MAX_PHOTOS photos, each checked from its header and all within the pixel
    budget of one request; a list of CheckedPhotos."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", KeepingFileInput(attrs={"accept": ACCEPT}, multiple=True))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > settings.FAULTS_MAX_PHOTOS:
            raise ValidationError(
                _("Attach at most %(max)d photos.") % {"max": settings.FAULTS_MAX_PHOTOS}
            )
        errors, cleaned = [], []
        for upload in files:
            super().clean(upload, initial)
            try:
                cleaned.append(_check(upload))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        try:
            check_request_pixels(cleaned)
        except PhotoRejected as error:
            raise ValidationError(str(error)) from error
        return cleaned


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, account):
        premises = account.premises
        return _("%(street)s/%(number)s (account %(account)s)") % {
            "street": premises.building.street,
            "number": premises.number,
            "account": account.number,
        }


class PhoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "tel"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return normalize_phone(value) if value else value


class ReportForm(KeepsUploadsForm, FaultPhotoForm, OneTimeTokenForm):
    photo_fields = upload_fields = ("photos",)

    account = AccountChoiceField(label=_("Your premises"), queryset=None, empty_label=None)
    place = forms.ChoiceField(
        label=_("Where is the fault?"),
        choices=Place.choices,
        help_text=_("A fault in a common part is seen only by you and the office."),
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    title = forms.CharField(
        label=_("Title"),
        max_length=150,
        help_text=_("In a few words, e.g. “Leaking radiator”."),
        validators=[validate_one_line],
        strip=False,
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, since when, where exactly."),
    )
    contact_phone = PhoneField(
        label=_("Contact phone"), help_text=_("So the technician can arrange a visit.")
    )
    emergency = forms.BooleanField(
        label=_("This is an emergency (gas smell, flooding, no power, danger to people)"),
        required=False,
    )
    photos = PhotosField(
        label=_("Photos"),
        required=False,
        help_text=_("Optional, up to 5. A JPEG, PNG or HEIC photo, at most 10 MB each."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        cast(AccountChoiceField, self.fields["account"]).queryset = accounts_for_user(user)
        if user.phone and not self.is_bound:
            self.fields["contact_phone"].initial = user.phone


class CommentForm(KeepsUploadsForm, FaultPhotoForm):
    photo_fields = upload_fields = ("photo",)

    text = forms.CharField(
        label=_("Your comment"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=PHOTO_HELP,
        widget=KeepingFileInput(attrs={"accept": ACCEPT}),
    )

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        return _check(photo) if photo else None

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if not self.errors and not (data.get("text") or "").strip() and not data.get("photo"):
            raise ValidationError(_("Write a comment or attach a photo."))
        return data


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("If not, what is still wrong?"),
        max_length=2000,
        required=False,  # only with "No": the service asks for it then (fault_reopen)
        widget=forms.Textarea(attrs={"rows": 3}),
    )
