from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.inputs import TypedDecimalField
from core.pending_uploads import KeepingFileInput, KeepsUploadsForm
from core.uploads import PhotoForm

from .photos import PhotoRejected, check_photo

MAX_READING = Decimal("999999.999")  # six whole digits: more than any flat's meter shows


class ReadingValueField(TypedDecimalField):
    """m³ as people type them: `123,456`, `123.456`, `1 234,5`; at most 3 decimals."""

    default_error_messages = {
        "invalid": _("Enter the reading as a number in m³, e.g. 123,456."),
        "max_decimal_places": _("Give at most 3 decimal places (litres)."),
        "max_digits": _("This number is too large for a water meter."),
        "max_whole_digits": _("This number is too large for a water meter."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 3)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off"}))
        super().__init__(**kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, MinValueValidator | MaxValueValidator)
        ]
        self.validators += [
            MinValueValidator(0, message=_("A meter reading cannot be negative.")),
            MaxValueValidator(
                MAX_READING, message=_("This number is too large for a water meter.")
            ),
        ]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ReadingForm(KeepsUploadsForm, PhotoForm):
    photo_fields = upload_fields = ("photo",)

    value = ReadingValueField(
        label=_("Reading (m³)"),
        help_text=_("All the digits on the dial, the red ones after the comma, e.g. 123,456."),
    )
    read_on = forms.DateField(label=_("Date of the reading"), widget=DateInput())
    photo = forms.FileField(
        label=_("Photo of the meter"),
        required=False,
        help_text=_("Optional. A JPEG, PNG or HEIC photo, at most 10 MB."),
        widget=KeepingFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/heic"}),
    )
    confirmed = forms.BooleanField(
        label=_("Yes, I checked the meter: this reading is right."), required=False
    )
    token = forms.UUIDField(widget=forms.HiddenInput)
    pending_photo = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["read_on"].initial = timezone.localdate

    def clean_read_on(self):
        read_on = self.cleaned_data["read_on"]
        if read_on > timezone.localdate():
            raise forms.ValidationError(_("The date of the reading cannot be in the future."))
        return read_on

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo:
            return None
        try:
            return check_photo(photo)  # decoded later by decode_photos()
        except PhotoRejected as error:
            raise forms.ValidationError(str(error)) from error
