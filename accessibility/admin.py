"""Staff edit the statement and work the requests: extend the deadline (at most 2 months, with
a reason) and answer; each step e-mails the requester. The services record each step in the
audit log; opening a step's page (which shows the request) is recorded as a read."""

from django.contrib import admin, messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from audit.services import audit_read

from . import services
from .forms import AnswerForm, ExtendForm
from .models import AccessibilityRequest, AccessibilityStatement, RequestEmail


@admin.register(AccessibilityStatement)
class AccessibilityStatementAdmin(admin.ModelAdmin):
    audit_lists = False  # a list page shows no residents' data
    list_display = ["entity_name", "status", "prepared_on", "published_on", "reviewed_on"]
    fieldsets = (
        (None, {"fields": ("entity_name", "status")}),
        (_("Dates"), {"fields": ("prepared_on", "published_on", "updated_on", "reviewed_on")}),
        (
            _("Content"),
            {"fields": ("non_accessible", "assessment_method", "architectural", "mobile_apps")},
        ),
        (
            _("Contact and procedure"),
            {"fields": ("contact_name", "contact_email", "contact_phone", "procedure")},
        ),
    )


class EmailInline(admin.TabularInline):
    model = RequestEmail
    extra = 0
    fields = ("kind", "subject", "created_at", "email_status", "email_sent_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class OverdueFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("overdue")), ("open", _("waiting for an answer"))]

    def queryset(self, request, queryset):
        waiting = queryset.exclude(status=AccessibilityRequest.Status.ANSWERED)
        today = timezone.localdate()
        if self.value() == "yes":
            return waiting.filter(
                Q(extended_to__lt=today) | Q(extended_to__isnull=True, deadline__lt=today)
            )
        if self.value() == "open":
            return waiting
        return queryset


@admin.register(AccessibilityRequest)
class AccessibilityRequestAdmin(admin.ModelAdmin):
    list_display = [
        "received_at",
        "name",
        "element",
        "status",
        "deadline",
        "extended_to",
        "overdue",
    ]
    list_filter = ["status", OverdueFilter]
    search_fields = ["name", "email", "element"]
    readonly_fields = [
        "name",
        "email",
        "phone",
        "element",
        "need",
        "alternative",
        "received_at",
        "deadline",
        "latest_extension",
        "extended_to",
        "extension_reason",
        "status",
        "answer",
        "answered_at",
        "answered_by",
    ]
    inlines = [EmailInline]
    change_form_template = "admin/accessibility/request_change_form.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("answer at the latest by"))
    def latest_extension(self, obj):
        return obj.latest_extension

    @admin.display(boolean=True, description=_("overdue"))
    def overdue(self, obj):
        return obj.is_overdue

    def get_urls(self):
        return [
            path(
                "<int:pk>/extend/",
                self.admin_site.admin_view(self.extend_view),
                name="accessibility_request_extend",
            ),
            path(
                "<int:pk>/answer/",
                self.admin_site.admin_view(self.answer_view),
                name="accessibility_request_answer",
            ),
            *super().get_urls(),
        ]

    def _step(self, request, pk, form_class, title, act, what):
        obj = get_object_or_404(AccessibilityRequest, pk=pk)
        if not self.has_change_permission(request, obj):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        form = form_class(request.POST or None)
        if request.method == "GET":
            audit_read(request, what, obj=obj)
        if request.method == "POST" and form.is_valid():
            try:
                act(obj, form.cleaned_data)
            except services.AccessibilityError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.message)
            else:
                messages.success(request, _("Saved; the requester is told by e-mail."))
                return redirect(
                    reverse("admin:accessibility_accessibilityrequest_change", args=[obj.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "form": form,
            "title": title,
        }
        return TemplateResponse(request, "admin/accessibility/request_step.html", context)

    def extend_view(self, request, pk):
        return self._step(
            request,
            pk,
            ExtendForm,
            _("Extend the deadline"),
            lambda obj, data: services.request_extend(
                request_id=obj.pk, to=data["to"], reason=data["reason"], clerk=request.user
            ),
            gettext_noop("Extend the deadline"),
        )

    def answer_view(self, request, pk):
        return self._step(
            request,
            pk,
            AnswerForm,
            _("Answer the request"),
            lambda obj, data: services.request_answer(
                request_id=obj.pk, answer=data["answer"], clerk=request.user
            ),
            gettext_noop("Answer the request"),
        )
