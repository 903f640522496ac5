"""Billing in Django admin.

Posted charges and payments are read-only for everybody (no change, no delete): mistakes are
fixed by the correction views of admin_views, open to Księgowość. Fee schedules, payment
terms, components (their VAT rules) and interest rates are edited by Księgowość; BOK only looks.
"""

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.admin import AccountAdmin
from accounts.models import Account
from billing.ledger.charge_run import charge_run_again, charge_run_start
from billing.ledger.models import (
    Charge,
    ChargeRun,
    Component,
    Fee,
    InterestRate,
    Payment,
    PaymentTerms,
    VatRate,
    VatRule,
)
from billing.ledger.services import BillingError
from billing.ledger.vat_rules import VatRules
from billing.ledger_admin import admin_views
from billing.ledger_admin.admin_forms import ChargeRunStartForm
from core.admin_read_only import ReadOnlyAdmin
from core.downloads import download_view
from core.inputs import TypedDecimalField
from core.jobs import REFRESH_SECONDS

# Numbers typed by people: 9,87 or 9.87, in a text box (type=number refuses the comma).
TYPED_DECIMALS: dict[type[models.Field], dict[str, Any]] = {
    models.DecimalField: {"form_class": TypedDecimalField, "widget": forms.TextInput},
}


class VatRuleForm(forms.ModelForm):
    class Meta:
        model = VatRule
        fields = ["account_kind", "valid_from", "vat_rate", "exemption_basis"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["account_kind"]).choices = [
            ("", _("every kind of account")),
            *Account.Kind.choices,
        ]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        basis = (data.get("exemption_basis") or "").strip()
        if data.get("vat_rate") == VatRate.EXEMPT and not basis:
            self.add_error("exemption_basis", _("Give the legal basis of the exemption."))
        return data


class VatRuleInline(admin.TabularInline):
    """The component's VAT history: a new rate is a new row from the day it applies."""

    model = VatRule
    form = VatRuleForm
    extra = 1
    ordering = ["account_kind", "-valid_from"]


@admin.register(Component)
class ComponentAdmin(admin.ModelAdmin):
    audit_lists = False  # a list page shows no residents' data
    list_display = ["name", "code", "vat_now", "order"]
    inlines = [VatRuleInline]
    search_fields = ["name", "code"]
    ordering = ["order", "name"]

    def has_delete_permission(self, request, obj=None):
        return False  # charges refer to components

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("vat_rules")

    @admin.display(description=_("VAT rate now"))
    def vat_now(self, obj):
        today = timezone.localdate()
        rules = VatRules(obj.vat_rules.all())
        kinds = [(k, label) for k, label in Account.Kind.choices
                 if any(r.account_kind == k for r in obj.vat_rules.all())]
        others = _("other accounts") if kinds else _("every account")
        return ", ".join(
            f"{label}: {VatRate(rules.vat(obj.pk, kind, today).rate).label}"
            for kind, label in [*kinds, ("", others)]
        )


class FeeForm(forms.ModelForm):
    class Meta:
        model = Fee
        fields = [
            "account",
            "component",
            "basis",
            "unit_price",
            "quantity",
            "valid_from",
            "valid_to",
        ]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("basis") in (Fee.Basis.PER_PERSON, Fee.Basis.PER_METER) and (
            data.get("quantity") is None
        ):
            self.add_error("quantity", _("Give the number of persons or meters."))
        return data


class FeeInline(admin.TabularInline):
    model = Fee
    form = FeeForm
    extra = 0
    fields = ["component", "basis", "unit_price", "quantity", "valid_from", "valid_to"]
    formfield_overrides = TYPED_DECIMALS


class PaymentTermsInline(admin.StackedInline):
    model = PaymentTerms
    extra = 0
    max_num = 1


# The account's page shows its fee schedule and payment terms (accounts knows nothing of
# billing, so billing adds them).
admin.site.unregister(Account)


@admin.register(Account)
class AccountWithFeesAdmin(AccountAdmin):
    def get_inlines(self, request, obj):
        inlines = super().get_inlines(request, obj)
        # On an existing account only: a new one gets its fees once it exists.
        return inlines if obj is None else [*inlines, PaymentTermsInline, FeeInline]


@admin.register(Fee)
class FeeAdmin(admin.ModelAdmin):
    form = FeeForm
    list_display = [
        "account",
        "component",
        "basis",
        "unit_price",
        "quantity",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["component", "basis", ("valid_to", admin.EmptyFieldListFilter)]
    search_fields = ["account__number", "account__holder_name"]
    autocomplete_fields = ["account"]
    list_select_related = ["account", "component"]
    formfield_overrides = TYPED_DECIMALS


@admin.register(PaymentTerms)
class PaymentTermsAdmin(admin.ModelAdmin):
    list_display = ["account", "due_day"]
    search_fields = ["account__number", "account__holder_name"]
    autocomplete_fields = ["account"]
    list_select_related = ["account"]


@admin.register(InterestRate)
class InterestRateAdmin(admin.ModelAdmin):
    audit_lists = False  # a list page shows no residents' data
    list_display = ["valid_from", "rate", "source"]
    ordering = ["-valid_from"]
    formfield_overrides = TYPED_DECIMALS


@admin.register(ChargeRun)
class ChargeRunAdmin(ReadOnlyAdmin):
    audit_lists = False  # a list page shows no residents' data
    list_display = [
        "period_display",
        "due_day",
        "status",
        "progress",
        "accounts_charged",
        "charges_created",
        "created_by",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "period"]
    fields = (
        "period",
        "due_day",
        "status",
        "accounts_charged",
        "charges_created",
        "error",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
    )
    readonly_fields = fields
    list_select_related = ["created_by"]
    actions = ["run_again"]
    change_form_template = "admin/billing/chargerun/change_form.html"

    @admin.display(description=_("month"), ordering="period")
    def period_display(self, obj):
        return f"{obj.period:%m/%Y}"

    @admin.display(description=_("progress"))
    def progress(self, obj):
        return f"{obj.fees_done} / {obj.fees_total}"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self.get_object(request, object_id)
        running = run is not None and run.status in (
            ChargeRun.Status.PENDING, ChargeRun.Status.RUNNING
        )
        extra = {"run": run, "refresh": REFRESH_SECONDS if running else None}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def has_add_permission(self, request):
        return request.user.has_perm("billing.add_chargerun")

    def add_view(self, request, form_url="", extra_context=None):
        """Start a run: month and payment day; it runs in the background."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ChargeRunStartForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                run = charge_run_start(
                    period=form.cleaned_data["period"],
                    due_day=form.cleaned_data["due_day"],
                    clerk=request.user,
                )
            except BillingError as exc:
                form.add_error("period", exc.args[0])
            else:
                messages.success(
                    request,
                    _("The charge run for %(month)s has started.")
                    % {"month": f"{run.period:%m/%Y}"},
                )
                return redirect("admin:billing_chargerun_change", run.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Start a charge run"),
            "opts": self.model._meta,
            "form": form,
            "submit": _("Start the run"),
            "back_url": reverse("admin:billing_chargerun_changelist"),
        }
        return TemplateResponse(request, "admin/billing/money_form.html", context)

    @admin.action(description=_("Run again (adds only what is missing)"), permissions=["add"])
    def run_again(self, request, queryset):
        started = 0
        for run in queryset.order_by("period").distinct():
            try:
                charge_run_again(run=run, clerk=request.user)
            except BillingError as exc:
                self.message_user(request, f"{run.period:%m/%Y}: {exc.args[0]}", messages.WARNING)
            else:
                started += 1
        if started:
            self.message_user(request, _("Started %(n)d run(s).") % {"n": started})


class PeriodFilter(admin.SimpleListFilter):
    title = _("month")
    parameter_name = "period"

    def lookups(self, request, model_admin):
        periods = (
            Charge.objects.filter(period__isnull=False)
            .values_list("period", flat=True)
            .distinct()
            .order_by("-period")[:36]
        )
        return [(p.isoformat(), f"{p:%m/%Y}") for p in periods if p is not None]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(period=self.value())
        return queryset


CHARGE_FIELDS = (
    "account",
    "title",
    "component",
    "period",
    "quantity",
    "unit_price",
    "amount",
    "vat_rate",
    "vat_basis",
    "due_date",
    "corrects",
    "reason",
    "run",
    "posted_at",
    "posted_by",
)


@admin.register(Charge)
class ChargeAdmin(ReadOnlyAdmin):
    list_display = [
        "account",
        "title",
        "period_display",
        "amount",
        "vat_rate",
        "due_date",
        "corrects",
        "posted_at",
    ]
    list_filter = [PeriodFilter, "component", "vat_rate", ("corrects", admin.EmptyFieldListFilter)]
    search_fields = ["account__number", "title", "account__holder_name"]
    list_select_related = ["account", "corrects"]
    fields = CHARGE_FIELDS
    readonly_fields = CHARGE_FIELDS
    show_full_result_count = False  # a count of millions of rows is slow
    change_list_template = "admin/billing/charge/change_list.html"
    change_form_template = "admin/billing/charge/change_form.html"

    @admin.display(description=_("month"), ordering="period")
    def period_display(self, obj):
        return f"{obj.period:%m/%Y}" if obj.period else ""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/correct/",
                view(lambda r, pk: admin_views.charge_correct_view(self, r, pk)),
                name="billing_charge_correct",
            ),
            path(
                "debtors/",
                view(download_view(lambda r: admin_views.debtors_view(self, r))),
                name="billing_debtors",
            ),
            path(
                "debtors.csv",
                view(download_view(lambda r: admin_views.debtors_view(self, r, as_csv=True))),
                name="billing_debtors_csv",
            ),
        ] + super().get_urls()

    def render_change_form(self, request, context, *args, **kwargs):
        obj = context.get("original")
        context["can_correct"] = (
            obj is not None and not obj.corrects_id and request.user.has_perm("billing.add_charge")
        )
        return super().render_change_form(request, context, *args, **kwargs)


PAYMENT_FIELDS = (
    "account",
    "amount",
    "paid_on",
    "method",
    "title",
    "payer",
    "reason",
    "corrects",
    "statement_line",
    "posted_at",
    "posted_by",
)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["account", "amount", "paid_on", "method", "title", "payer", "corrects"]
    list_filter = ["method", "paid_on", ("corrects", admin.EmptyFieldListFilter)]
    search_fields = ["account__number", "title", "payer", "reason"]
    list_select_related = ["account", "corrects"]
    date_hierarchy = "paid_on"
    fields = PAYMENT_FIELDS
    readonly_fields = PAYMENT_FIELDS
    show_full_result_count = False
    change_list_template = "admin/billing/payment/change_list.html"
    change_form_template = "admin/billing/payment/change_form.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "cash/",
                view(lambda r: admin_views.cash_payment_view(self, r)),
                name="billing_payment_cash",
            ),
            path(
                "<int:pk>/correct/",
                view(lambda r, pk: admin_views.payment_correct_view(self, r, pk)),
                name="billing_payment_correct",
            ),
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra = {"can_post_cash": request.user.has_perm("billing.add_payment")}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def render_change_form(self, request, context, *args, **kwargs):
        obj = context.get("original")
        context["can_correct"] = (
            obj is not None and not obj.corrects_id and request.user.has_perm("billing.add_payment")
        )
        return super().render_change_form(request, context, *args, **kwargs)
