"""Forms of billing's custom admin views: start a charge run, cash payments, corrections."""

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from core.dates import next_month
from core.inputs import MoneyField, MonthField


class ChargeRunStartForm(forms.Form):
    period = MonthField(label=_("Month"), help_text=_("The month charged, e.g. 03/2026."))
    due_day = forms.IntegerField(
        label=_("Payment day"),
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Charges are due on this day of the month unless a contract says otherwise."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "initial",
            {"period": next_month(timezone.localdate()), "due_day": settings.BILLING_DUE_DAY},
        )
        super().__init__(*args, **kwargs)


class ReasonField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault("error_messages", {"required": _("Give the reason.")})
        super().__init__(**kwargs)


class CashPaymentForm(forms.Form):
    account = forms.CharField(label=_("Account number"), max_length=10)
    amount = MoneyField(label=_("Amount (zł)"))
    paid_on = forms.DateField(label=_("Paid on"), help_text=_("e.g. 24.03.2026"))
    reason = ReasonField(
        label=_("Receipt number or reason"),
        error_messages={"required": _("Give the receipt number or the reason.")},
    )
    payer = forms.CharField(label=_("Payer"), max_length=200, required=False)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)

    def clean_account(self):
        number = self.cleaned_data["account"].strip()
        account = Account.objects.filter(number=number).first()
        if account is None:
            raise forms.ValidationError(_("There is no account with this number."))
        return account

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount is not None and amount <= 0:
            raise forms.ValidationError(_("A payment must be greater than zero."))
        return amount

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on and paid_on > timezone.localdate():
            raise forms.ValidationError(_("A payment cannot be dated in the future."))
        return paid_on


class CorrectionForm(forms.Form):
    new_amount = MoneyField(
        label=_("Correct amount (zł)"),
        help_text=_("What the entry should have been; 0 cancels it."),
    )
    reason = ReasonField(label=_("Reason for the correction"))
