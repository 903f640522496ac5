"""Water settlement in the staff panel: tariffs and plans (Księgowość), a run per building
and period with its preview, CSV export, posting and new advances, and the documents with
their correction. The preview, posting, advances and corrections are worker jobs
(billing/water/jobs.py); these views start them and show what they stored."""

from typing import cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Account, Building, Community
from audit.services import Action, audit_record
from billing.water import jobs, services
from billing.water.models import (
    PreviewLine,
    Settlement,
    SettlementJob,
    SettlementPlan,
    SettlementRun,
    WaterTariff,
)
from billing.water.preview_csv import preview_csv, preview_csv_name
from core.admin_read_only import ReadOnlyAdmin
from core.downloads import download_view, open_stored


@admin.register(WaterTariff)
class WaterTariffAdmin(admin.ModelAdmin):
    audit_lists = False  # prices, not residents' data
    audit_reads = False
    list_display = ["valid_from", "water_price", "sewage_price", "source"]
    ordering = ["-valid_from"]

    def has_delete_permission(self, request, obj=None):
        return False  # settlements were priced with it


@admin.register(SettlementPlan)
class SettlementPlanAdmin(admin.ModelAdmin):
    audit_lists = False
    audit_reads = False
    list_display = ["building", "months", "first_day", "due_days"]
    autocomplete_fields = ["building"]
    filter_horizontal = ["advance_components"]

    def has_delete_permission(self, request, obj=None):
        return False


class RunStartForm(forms.Form):
    scope = forms.ChoiceField(
        label=gettext_lazy("Settle"),
        choices=[
            (SettlementJob.Scope.BUILDING, gettext_lazy("one building")),
            (SettlementJob.Scope.COMMUNITY, gettext_lazy("every building of a housing community")),
            (SettlementJob.Scope.ALL, gettext_lazy("every building with a plan")),
        ],
        initial=SettlementJob.Scope.BUILDING,
        required=False,  # one building unless chosen
        widget=forms.RadioSelect,
    )
    building = forms.ModelChoiceField(
        label=gettext_lazy("Building"),
        queryset=SettlementPlan.objects.none(),
        required=False,
        help_text=gettext_lazy("Only buildings with a water settlement plan."),
    )
    community = forms.ModelChoiceField(
        label=gettext_lazy("Housing community"),
        queryset=Community.objects.none(),
        required=False,
    )
    day = forms.DateField(
        label=gettext_lazy("A day of the period"),
        help_text=gettext_lazy("The period of the plan that holds this day is settled."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["building"]).queryset = Building.objects.filter(
            water_plan__isnull=False
        ).order_by("street")
        cast(forms.ModelChoiceField, self.fields["community"]).queryset = (
            Community.objects.filter(buildings__water_plan__isnull=False).distinct().order_by("name")
        )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        scope = data["scope"] = data.get("scope") or SettlementJob.Scope.BUILDING
        if scope == SettlementJob.Scope.BUILDING and not data.get("building"):
            self.add_error("building", _("Choose the building."))
        if scope == SettlementJob.Scope.COMMUNITY and not data.get("community"):
            self.add_error("community", _("Choose the housing community."))
        return data


class MoveOutForm(forms.Form):
    account = forms.ModelChoiceField(
        label=gettext_lazy("Account number"),
        queryset=Account.objects.none(),
        to_field_name="number",
        widget=forms.TextInput,
        help_text=gettext_lazy(
            "The account of the tenant moving out; its last day (valid to) is the move-out day."
        ),
        error_messages={
            "invalid_choice": gettext_lazy(
                "No account with this number has a last day in a building with a water "
                "settlement plan."
            )
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["account"]).queryset = Account.objects.filter(
            valid_to__isnull=False, premises__building__water_plan__isnull=False
        ).select_related("premises__building")


class AdvancesForm(forms.Form):
    from_month = forms.DateField(
        label=gettext_lazy("New advances from"),
        help_text=gettext_lazy("The first day of a month."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_from_month(self):
        day = self.cleaned_data["from_month"]
        if day.day != 1:
            raise forms.ValidationError(_("Give the first day of a month."))
        return day


@admin.register(SettlementRun)
class SettlementRunAdmin(admin.ModelAdmin):
    audit_lists = False  # a list page shows no residents' data
    list_display = ["building", "period_start", "period_end", "account", "status", "posted_at"]
    list_filter = ["status"]
    list_select_related = ["building", "account"]
    fields = ("building", "account", "period_start", "period_end", "status", "advances_from",
              "created_by", "created_at", "posted_by", "posted_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return request.user.has_perm("billing.add_settlementrun")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        name = "billing_settlementrun_"
        return [
            path("<int:pk>/podglad/", view(self.preview_view), name=name + "preview"),
            path("<int:pk>/podglad.csv", view(download_view(self.csv_view)), name=name + "csv"),
            path("<int:pk>/zaksieguj/", view(self.post_view), name=name + "post"),
            path("<int:pk>/zaliczki/", view(self.advances_view), name=name + "advances"),
            path("wyprowadzka/", view(self.move_out_view), name=name + "move_out"),
        ] + super().get_urls()

    def add_view(self, request, form_url="", extra_context=None):
        """Start the preview of one building (its run made here, so a period still open is
        said next to the day), of a community's buildings or of every building: a job."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = RunStartForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            job = self._start_preview(request, form)
            if job is not None:
                return redirect("admin:billing_settlementjob_change", job.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Start a water settlement"),
            "opts": self.model._meta,
            "form": form,
            "submit": _("Compute the preview"),
            "back_url": reverse("admin:billing_settlementrun_changelist"),
            "aside_url": reverse("admin:billing_settlementrun_move_out"),
            "aside_text": _("A tenant moves out: settle the account on the move-out day"),
        }
        return TemplateResponse(request, "admin/billing/money_form.html", context)

    def _start_preview(self, request, form):
        data = form.cleaned_data
        if data["scope"] != SettlementJob.Scope.BUILDING:
            return jobs.job_start(
                kind=SettlementJob.Kind.PREVIEW, scope=data["scope"], clerk=request.user,
                community=data["community"] if data["scope"] == SettlementJob.Scope.COMMUNITY
                else None,
                day=data["day"],
            )
        try:
            run = services.run_create(
                building=data["building"], period_start=data["day"], clerk=request.user
            )
        except services.PeriodOpen as exc:
            form.add_error("day", str(exc))
        except services.SettlementError as exc:
            form.add_error("building", str(exc))
        else:
            return _run_job(request, run, SettlementJob.Kind.PREVIEW)
        return None

    def move_out_view(self, request):
        """A final settlement of one account on its move-out day (its last day)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = MoveOutForm(request.POST)
        else:  # from the account's page: ?konto=<number>
            form = MoveOutForm(initial={"account": request.GET.get("konto", "")})
        if form.is_bound and form.is_valid():
            try:
                run = services.move_out_run_create(
                    account=form.cleaned_data["account"], clerk=request.user
                )
            except services.SettlementError as exc:
                form.add_error("account", str(exc))
            else:
                job = _run_job(request, run, SettlementJob.Kind.PREVIEW)
                return redirect("admin:billing_settlementjob_change", job.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Settle water on a move-out"),
            "opts": self.model._meta,
            "form": form,
            "submit": _("Show the preview"),
            "back_url": reverse("admin:billing_settlementrun_changelist"),
        }
        return TemplateResponse(request, "admin/billing/money_form.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect("admin:billing_settlementrun_preview", object_id)

    def _run(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(SettlementRun.objects.select_related("building"), pk=pk)

    def preview_view(self, request, pk):
        """The lines the last preview job stored (a page at a time); a POST computes them
        again."""
        run = self._run(request, pk)
        if request.method == "POST":
            if not self.has_add_permission(request):
                raise PermissionDenied
            job = _run_job(request, run, SettlementJob.Kind.PREVIEW)
            return redirect("admin:billing_settlementjob_change", job.pk)
        lines = PreviewLine.objects.filter(run=run).select_related("account__premises__building")
        page = Paginator(lines.order_by("pk"), PREVIEW_PAGE).get_page(request.GET.get("p"))
        posted = {
            s.account_id: s
            for s in Settlement.objects.filter(
                run=run, correction__isnull=True, account_id__in=[line.account_id for line in page]
            )
        }
        audit_record(
            action=Action.VIEW, request=request, obj=run,
            new={"view": "water settlement preview", "accounts": page.paginator.count},
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Water settlement: %(run)s") % {"run": run},
            "opts": self.model._meta,
            "run": run,
            "page": page,
            "rows": [(line, posted.get(line.account_id)) for line in page],
            "computed_at": page[0].computed_at if page else None,
            "jobs": run.jobs.order_by("-created_at", "-pk")[:5],
            "may_preview": self.has_add_permission(request),
            "may_post": request.user.has_perm("billing.add_settlement"),
            "advances_form": AdvancesForm(),
        }
        return TemplateResponse(request, "admin/billing/water/preview.html", context)

    def csv_view(self, request, pk):
        """The CSV the preview job stored (made here only for a preview stored before)."""
        run = self._run(request, pk)
        stored = open_stored(run.preview_csv) if run.preview_csv else None
        if stored is not None:
            with stored:
                content = stored.read()
            count = PreviewLine.objects.filter(run=run).count()
        else:
            content, count = preview_csv(run)
        audit_record(
            action=Action.EXPORT, request=request, obj=run,
            new={"view": "water settlement preview CSV", "accounts": count},
        )
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{preview_csv_name(run)}"'
        return response

    def post_view(self, request, pk):
        run = self._run(request, pk)
        if request.method != "POST" or not request.user.has_perm("billing.add_settlement"):
            raise PermissionDenied
        job = _run_job(request, run, SettlementJob.Kind.POST)
        return redirect("admin:billing_settlementjob_change", job.pk)

    def advances_view(self, request, pk):
        run = self._run(request, pk)
        if request.method != "POST" or not request.user.has_perm("billing.add_fee"):
            raise PermissionDenied
        form = AdvancesForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for e in form.errors.get("from_month", [])))
            return redirect("admin:billing_settlementrun_preview", run.pk)
        job = _run_job(
            request, run, SettlementJob.Kind.ADVANCES, from_month=form.cleaned_data["from_month"]
        )
        return redirect("admin:billing_settlementjob_change", job.pk)


PREVIEW_PAGE = 200  # lines a preview page shows: 20,000 premises are 100 pages


def _run_job(request, run, kind, **params):
    return jobs.job_start(
        kind=kind, scope=SettlementJob.Scope.RUN, run=run, clerk=request.user, **params
    )


class CorrectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the correction"),
        max_length=500,
        help_text=gettext_lazy("E.g. a reading corrected after the settlement."),
    )


@admin.register(Settlement)
class SettlementAdmin(ReadOnlyAdmin):  # posted documents: corrected, never edited
    list_display = ["number", "account", "period_end", "used", "gross", "advances", "difference",
                    "estimated"]
    list_filter = ["estimated", "unlegalised", "period_end"]
    search_fields = ["number", "account__number"]
    list_select_related = ["account"]
    exclude = ["meters", "parts", "pdf_file", "pdf_claimed_at", "pdf_error"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in self.exclude]

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/korekta/", view(self.correct_view), name="billing_settlement_correct"),
        ] + super().get_urls()

    def correct_view(self, request, pk):
        document = get_object_or_404(Settlement, pk=pk)
        if not request.user.has_perm("billing.add_settlement"):
            raise PermissionDenied
        form = CorrectForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if document.is_corrected:
                form.add_error("reason", _("This settlement has already been corrected."))
            else:
                job = jobs.job_start(
                    kind=SettlementJob.Kind.CORRECT, scope=SettlementJob.Scope.RUN,
                    run=document.run, document=document, reason=form.cleaned_data["reason"],
                    clerk=request.user,
                )
                return redirect("admin:billing_settlementjob_change", job.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Correct the settlement %(number)s") % {"number": document.number},
            "opts": self.model._meta,
            "form": form,
            "submit": _("Post the correction"),
            "back_url": reverse("admin:billing_settlement_change", args=[document.pk]),
        }
        return TemplateResponse(request, "admin/billing/money_form.html", context)
