"""The water settlement jobs' pages: what a job does, how far it got (refreshing itself while
it runs, without JavaScript), what failed, and links to what it made; from a finished preview
of many buildings, their posting, and from a finished posting, their new advances."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path

from billing.water import jobs
from billing.water.admin import AdvancesForm
from billing.water.models import SettlementJob
from core.admin_read_only import ReadOnlyAdmin
from core.jobs import REFRESH_SECONDS

Kind = SettlementJob.Kind


@admin.register(SettlementJob)
class SettlementJobAdmin(ReadOnlyAdmin):  # a job's record: started elsewhere, never edited
    audit_lists = False  # a list page shows no residents' data
    list_display = ["created_at", "kind", "scope_label", "state", "progress", "created_by"]
    list_filter = ["state", "kind", "scope"]
    list_select_related = ["created_by", "run__building", "building", "community"]
    fields = ("kind", "scope", "run", "building", "community", "day", "from_month", "document",
              "state", "created_by", "created_at", "started_at", "finished_at")
    readonly_fields = fields
    change_form_template = "admin/billing/water/job.html"

    @admin.display(description=SettlementJob._meta.get_field("scope").verbose_name)
    def scope_label(self, obj):
        return obj.scope_label

    @admin.display(description=SettlementJob._meta.get_field("done").verbose_name)
    def progress(self, obj):
        return f"{obj.done} / {obj.total}"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/dalej/", view(self.next_view), name="billing_settlementjob_next"),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self.get_object(request, object_id)
        extra = {}
        if job is not None:
            extra = {
                "job": job,
                "refresh": REFRESH_SECONDS if job.in_progress else None,
                "next_kind": _next_kind(request, job),
                "advances_form": AdvancesForm(),
            }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def next_view(self, request, pk):
        """The next step over the same runs: posting after a preview, advances after a
        posting."""
        job = get_object_or_404(SettlementJob, pk=pk)
        kind = _next_kind(request, job)
        if request.method != "POST" or kind is None:
            raise PermissionDenied
        params = {}
        if kind == Kind.ADVANCES:
            form = AdvancesForm(request.POST)
            if not form.is_valid():
                return self.change_view(request, str(pk), extra_context={"advances_form": form})
            params["from_month"] = form.cleaned_data["from_month"]
        new = jobs.job_start(
            kind=kind, scope=job.scope, clerk=request.user, run=job.run, building=job.building,
            community=job.community, day=job.day, **params,
        )
        return redirect("admin:billing_settlementjob_change", new.pk)


def _next_kind(request, job: SettlementJob) -> str | None:
    if job.state != SettlementJob.State.DONE:
        return None
    if job.kind == Kind.PREVIEW and request.user.has_perm("billing.add_settlement"):
        return Kind.POST
    if job.kind == Kind.POST and request.user.has_perm("billing.add_fee"):
        return Kind.ADVANCES
    return None



