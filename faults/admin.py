"""Fault reports in Django admin: the queue with filters and search, and a "handle" page per
report for status changes, public comments, internal notes and assignment. Writes go through
services, outside the admin's own transaction (each service records the clerk's change in the
audit log); the timeline is read-only; photos are served to staff through an admin view, never
from a public path. Showing the handle page or a photo is recorded as a read."""

from datetime import timedelta
from typing import cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy

from accounts.staff_forms import PersonChoiceField, account_from_query, account_people
from audit.services import audit_read
from core.downloads import download_view, stored_file_response

from . import services
from .forms import PhoneField
from .models import Category, Channel, FaultEvent, FaultPhoto, FaultReport, Place, Status


class AgeFilter(admin.SimpleListFilter):
    title = gettext_lazy("age")
    parameter_name = "age"
    BUCKETS = {"day": (0, 1), "week": (1, 7), "month": (7, 30), "older": (30, None)}

    def lookups(self, request, model_admin):
        return [
            ("day", gettext_lazy("less than a day")),
            ("week", gettext_lazy("1–7 days")),
            ("month", gettext_lazy("7–30 days")),
            ("older", gettext_lazy("more than 30 days")),
        ]

    def queryset(self, request, queryset):
        bucket = self.BUCKETS.get(self.value() or "")
        if bucket is None:
            return queryset
        newest, oldest = bucket
        now = timezone.now()
        queryset = queryset.filter(created_at__lte=now - timedelta(days=newest))
        if oldest is not None:
            queryset = queryset.filter(created_at__gt=now - timedelta(days=oldest))
        return queryset


class StatusForm(forms.Form):
    new_status = forms.ChoiceField(label=gettext_lazy("New status"))
    comment = forms.CharField(
        label=gettext_lazy("Comment for the resident"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required for a rejection: the reason, which the resident sees."),
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["new_status"]).choices = [
            (s.value, s.label) for s in services.allowed_statuses(report)
        ]


class TextForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Text"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AssignForm(forms.Form):
    assigned_to = forms.ModelChoiceField(
        label=gettext_lazy("Clerk"),
        required=False,
        queryset=get_user_model().objects.filter(is_staff=True, is_active=True),
    )
    contractor = forms.CharField(label=gettext_lazy("Contractor"), required=False, max_length=200)


class RecordForm(forms.Form):
    """A fault a resident reported by phone or at the office, recorded by a clerk."""

    resident = PersonChoiceField(label=gettext_lazy("Reported by"), queryset=None)
    channel = forms.ChoiceField(
        label=pgettext_lazy("fault report", "Channel"),
        choices=[
            (Channel.PHONE.value, Channel.PHONE.label),
            (Channel.OFFICE.value, Channel.OFFICE.label),
        ],
        widget=forms.RadioSelect,
    )
    place = forms.ChoiceField(label=gettext_lazy("Where is the fault?"), choices=Place.choices)
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=Category.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=150)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    contact_phone = PhoneField(label=gettext_lazy("Contact phone"))
    urgent = forms.BooleanField(
        label=gettext_lazy("Emergency (gas smell, flooding, no power, danger to people)"),
        required=False,
    )

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        people = account_people(account)
        cast(PersonChoiceField, self.fields["resident"]).queryset = people
        if len(people) == 1:
            self.fields["resident"].initial = people[0].pk


class EventInline(admin.TabularInline):
    model = FaultEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "old_status", "new_status", "text", "public", "author")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PhotoInline(admin.TabularInline):
    model = FaultPhoto
    extra = 0
    can_delete = False
    fields = ("view", "uploaded_by", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("photo"))
    def view(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:faults_faultphoto_view", args=[obj.pk]), _("Open")
        )


@admin.register(FaultReport)
class FaultReportAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "title",
        "status",
        "urgent",
        "channel",
        "category",
        "place_column",
        "reporter",
        "assigned_to",
        "contractor",
        "created_at",
        "handle_link",
    ]
    list_display_links = ["number", "title"]
    list_filter = [
        "status",
        "urgent",
        "channel",
        "category",
        ("building", admin.RelatedOnlyFieldListFilter),
        "place",
        AgeFilter,
        ("assigned_to", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = [
        "=id",
        "title",
        "description",
        "contractor",
        "reporter__username",
        "reporter__last_name",
        "account__number",
        "building__street",
        "premises__number",
    ]
    list_select_related = ["building", "premises__building", "reporter", "assigned_to"]
    date_hierarchy = "created_at"
    actions = ["accept"]
    inlines = [PhotoInline, EventInline]
    fieldsets = [
        (None, {"fields": ["handle_link", "status", "urgent", "reject_reason", "confirmed_at"]}),
        (
            gettext_lazy("The report"),
            {
                "fields": [
                    "title",
                    "description",
                    "category",
                    "place",
                    "building",
                    "premises",
                    "account",
                    "reporter",
                    "channel",
                    "recorded_by",
                    "contact_phone",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
        (
            gettext_lazy("Handling"),
            {"fields": ["assigned_to", "contractor", "email_status", "email_sent_at"]},
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        return ["handle_link"] + [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        # Residents report in the portal; BOK records what they report by phone or in person.
        return request.user.has_perm("faults.add_faultreport")

    def add_view(self, request, form_url="", extra_context=None):
        """Record a fault on a resident's behalf: first the account, then the report. Not the
        admin's own add form: the service opens its own transaction."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        account, account_form = account_from_query(request)
        form = None
        if account is not None:
            form = RecordForm(request.POST if request.method == "POST" else None, account=account)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    report = services.fault_record_for_resident(
                        clerk=request.user,
                        resident=data["resident"],
                        account=account,
                        channel=data["channel"],
                        place=data["place"],
                        category=data["category"],
                        title=data["title"],
                        description=data["description"],
                        contact_phone=data["contact_phone"],
                        urgent=data["urgent"],
                    )
                except services.FaultRejected as rejected:
                    field = rejected.field if rejected.field in form.fields else None
                    form.add_error(field, str(rejected))
                else:
                    self.message_user(
                        request,
                        _("Fault report #%(number)d was recorded; the resident was notified.")
                        % {"number": report.pk},
                        messages.SUCCESS,
                    )
                    return redirect("admin:faults_faultreport_handle", report.pk)
        return render(
            request,
            "admin/faults/record.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Record a fault reported by a resident"),
                "account": account,
                "account_form": account_form,
                "form": form,
            },
        )

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="#", ordering="pk")
    def number(self, obj):
        return obj.pk

    @admin.display(description=gettext_lazy("place"))
    def place_column(self, obj):
        return obj.place_display

    @admin.display(description=gettext_lazy("handle"))
    def handle_link(self, obj):
        if obj is None or obj.pk is None:
            return ""
        url = reverse("admin:faults_faultreport_handle", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Handle"))

    @admin.action(description=gettext_lazy("Accept the chosen new reports"), permissions=["change"])
    def accept(self, request, queryset):
        done = 0
        for report in queryset.filter(status=Status.NEW):
            services.fault_status_change(
                report=report, new_status=Status.ACCEPTED, clerk=request.user
            )
            done += 1
        self.message_user(request, _("Accepted %(count)d reports.") % {"count": done})

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/handle/", view(self.handle_view), name="faults_faultreport_handle"),
            path(
                "photo/<int:pk>/",
                view(download_view(self.photo_view)),
                name="faults_faultphoto_view",
            ),
        ] + super().get_urls()

    def photo_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        photo = get_object_or_404(FaultPhoto, pk=pk)
        response = stored_file_response(
            request,
            photo.image,
            content_type="image/jpeg",
            as_attachment=False,
            back=reverse("admin:faults_faultreport_change", args=[photo.report_id]),
        )
        if response.status_code == 200:
            audit_read(request, gettext_noop("Fault photo"), obj=photo)
        return response

    def handle_view(self, request, pk):
        if not self.has_change_permission(request):
            raise PermissionDenied
        report = get_object_or_404(
            FaultReport.objects.select_related(
                "building", "premises__building", "reporter", "account", "assigned_to"
            ).annotate(photo_count=Count("photos")),
            pk=pk,
        )
        if request.method == "GET":
            audit_read(request, gettext_noop("Fault handling page"), obj=report)
        action = request.POST.get("action") if request.method == "POST" else None
        forms_ = _handle_forms(request, action, report)
        form = forms_.get(action or "")
        if form is not None and form.is_valid():
            try:
                done = _handle(action, report, form.cleaned_data, request.user)
            except services.FaultRejected as rejected:
                field = rejected.field if rejected.field in form.fields else None
                form.add_error(field, str(rejected))
            else:
                self.message_user(request, done, messages.SUCCESS)
                return redirect("admin:faults_faultreport_handle", report.pk)
        return render(
            request,
            "admin/faults/handle.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Fault report #%(number)d") % {"number": report.pk},
                "report": report,
                "photos": report.photos.all(),
                "events": report.events.select_related("author", "photo"),
                **{f"{name}_form": f for name, f in forms_.items()},
            },
        )


def _handle_forms(request, action, report) -> dict:
    """The handling page's forms, the one of `action` bound to what was posted."""

    def posted(name):
        return request.POST if action == name else None

    return {
        "status": StatusForm(posted("status"), report=report, prefix="status"),
        "public": TextForm(posted("public"), prefix="public"),
        "internal": TextForm(posted("internal"), prefix="internal"),
        "assign": AssignForm(
            posted("assign"),
            prefix="assign",
            initial={"assigned_to": report.assigned_to, "contractor": report.contractor},
        ),
    }


def _handle(action, report, data, clerk) -> str:
    """Does what the valid form of `action` asks; returns the message that says it is done."""
    if action == "status":
        services.fault_status_change(
            report=report, new_status=data["new_status"], clerk=clerk, comment=data["comment"]
        )
        return _("The status was changed; the resident was notified.")
    if action == "public":
        services.fault_comment_public(report=report, clerk=clerk, text=data["text"])
        return _("The comment was published; the resident was notified.")
    if action == "internal":
        services.fault_comment_internal(report=report, clerk=clerk, text=data["text"])
        return _("The internal note was saved.")
    services.fault_assign(
        report=report,
        clerk=clerk,
        assigned_to=data["assigned_to"],
        contractor=data["contractor"],
    )
    return _("The assignment was saved.")
