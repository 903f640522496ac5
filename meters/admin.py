"""Meters in Django admin: meters (with CSV import), the flagged readings queue with accept and
correct, staff-entered readings, reading windows with missing readings and the CSV export.
Writes go through services, outside the admin's own transaction; the reading services record
the clerk's change in the audit log, the import (a service without a clerk) is recorded here
right after it, and the pages and the export that show residents' readings record a read."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from audit.services import Action, audit_read
from core.downloads import download_view

from . import export, imports, queries, services
from .admin_warnings import expired_meters_message
from .forms import DateInput, ReadingValueField
from .models import Meter, Reading, ReadingEvent, ReadingWindow


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file"))


class CorrectForm(forms.Form):
    value = ReadingValueField(label=gettext_lazy("Correct reading (m³)"))
    read_on = forms.DateField(label=gettext_lazy("Read on"), widget=DateInput())
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500, widget=forms.Textarea)


class EnterForm(forms.Form):
    meter = forms.ModelChoiceField(
        label=gettext_lazy("Meter"),
        queryset=Meter.objects.filter(removed_on__isnull=True).select_related("premises__building"),
    )
    value = ReadingValueField(label=gettext_lazy("Reading (m³)"))
    read_on = forms.DateField(label=gettext_lazy("Read on"), widget=DateInput())
    reason = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("E.g. read during a visit, or from a paper form."),
    )


def _admin_page(request, admin_obj, template, title, **context):
    return render(
        request,
        template,
        {
            **admin.site.each_context(request),
            "opts": admin_obj.model._meta,
            "title": title,
            **context,
        },
    )


class LegalisationFilter(admin.SimpleListFilter):
    """Meters in service by their legalisation; "expired" is BOK's list of meters to replace."""

    title = gettext_lazy("legalisation")
    parameter_name = "legalisation"

    def lookups(self, request, model_admin):
        return [
            ("expired", _("expired")),
            ("soon", _("expires within 60 days")),
            ("valid", _("valid")),
        ]

    def queryset(self, request, queryset):
        state = self.value()
        if state not in {"expired", "soon", "valid"}:
            return queryset
        found = queries.meters_by_legalisation(state, timezone.localdate())
        return queryset.filter(pk__in=found.values("pk"))


@admin.register(Meter)
class MeterAdmin(admin.ModelAdmin):
    list_display = [
        "serial_number",
        "kind",
        "premises",
        "installed_on",
        "legalisation_expires_on",
        "removed_on",
    ]
    list_filter = ["kind", ("removed_on", admin.EmptyFieldListFilter), LegalisationFilter]
    search_fields = [
        "serial_number",
        "premises__building__street",
        "premises__number",
        "premises__accounts__number",
    ]
    autocomplete_fields = ["premises"]
    raw_id_fields = ["replaced_by"]
    list_select_related = ["premises__building"]
    change_list_template = "admin/meters/meter/change_list.html"

    def changelist_view(self, request, extra_context=None):
        expired = queries.meters_by_legalisation("expired", timezone.localdate()).count()
        extra_context = {
            **(extra_context or {}),
            "expired_meters": expired_meters_message(expired) if expired else "",
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        return [
            path(
                "import/", self.admin_site.admin_view(self.import_view), name="meters_meter_import"
            )
        ] + super().get_urls()

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        errors = []
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                created = imports.meters_import(
                    content=form.cleaned_data["file"].read(), clerk=request.user
                )
            except imports.ImportFailed as failed:
                errors = failed.errors
            else:
                self.message_user(
                    request,
                    _("Imported %(count)d meters.") % {"count": len(created)},
                    messages.SUCCESS,
                )
                return redirect("admin:meters_meter_changelist")
        return _admin_page(
            request,
            self,
            "admin/meters/import.html",
            _("Import meters from CSV"),
            form=form,
            errors=errors,
            columns=";".join(imports.COLUMNS),
        )


class EventInline(admin.TabularInline):
    model = ReadingEvent
    extra = 0
    can_delete = False
    fields = ("action", "actor", "at", "details")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Reading)
class ReadingAdmin(admin.ModelAdmin):
    list_display = [
        "meter",
        "premises",
        "read_on",
        "value",
        "status",
        "source",
        "flag_reason",
        "correct_link",
    ]
    list_filter = ["status", "source", "read_on"]
    search_fields = ["meter__serial_number", "meter__premises__building__street"]
    list_select_related = ["meter__premises__building"]
    date_hierarchy = "read_on"
    actions = ["accept"]
    inlines = [EventInline]
    change_list_template = "admin/meters/reading/change_list.html"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False  # staff enter readings through "Enter a reading" (a service)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("premises"))
    def premises(self, obj):
        return obj.meter.premises

    @admin.display(description=gettext_lazy("correct"))
    def correct_link(self, obj):
        if obj.status == Reading.Status.CORRECTED:
            return ""
        url = reverse("admin:meters_reading_correct", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Correct"))

    @admin.action(
        description=gettext_lazy("Accept the chosen flagged readings"), permissions=["change"]
    )
    def accept(self, request, queryset):
        done = 0
        for reading in queryset.filter(status=Reading.Status.FLAGGED):
            services.reading_accept(reading=reading, clerk=request.user)
            done += 1
        self.message_user(request, _("Accepted %(count)d readings.") % {"count": done})

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/correct/", view(self.correct_view), name="meters_reading_correct"),
            path("enter/", view(self.enter_view), name="meters_reading_enter"),
        ] + super().get_urls()

    def correct_view(self, request, pk):
        if not self.has_change_permission(request):
            raise PermissionDenied
        reading = get_object_or_404(
            Reading.objects.select_related("meter__premises__building"), pk=pk
        )
        if request.method == "GET":
            audit_read(request, gettext_noop("Correction form"), obj=reading)
        form = CorrectForm(
            request.POST or None, initial={"value": reading.value, "read_on": reading.read_on}
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.reading_correct(
                    reading=reading,
                    value=form.cleaned_data["value"],
                    read_on=form.cleaned_data["read_on"],
                    reason=form.cleaned_data["reason"],
                    clerk=request.user,
                )
            except services.ReadingRejected as rejected:
                field = rejected.field if rejected.field in form.fields else None
                form.add_error(field, str(rejected))
            else:
                self.message_user(request, _("The reading was corrected; the residents were told."))
                return redirect("admin:meters_reading_changelist")
        return _admin_page(
            request,
            self,
            "admin/meters/reading_form.html",
            _("Correct a reading"),
            form=form,
            reading=reading,
        )

    def enter_view(self, request):
        if not request.user.has_perm("meters.add_reading"):
            raise PermissionDenied
        form = EnterForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                reading = services.reading_enter(
                    clerk=request.user,
                    meter=data["meter"],
                    value=data["value"],
                    read_on=data["read_on"],
                    reason=data["reason"],
                )
            except services.ReadingRejected as rejected:
                field = rejected.field if rejected.field in form.fields else None
                form.add_error(field, str(rejected))
            else:
                if reading.status == Reading.Status.FLAGGED:
                    self.message_user(
                        request,
                        _("The reading was saved and flagged: %(reason)s")
                        % {"reason": reading.flag_reason},
                        messages.WARNING,
                    )
                else:
                    self.message_user(request, _("The reading was saved."))
                return redirect("admin:meters_reading_changelist")
        return _admin_page(
            request, self, "admin/meters/reading_form.html", _("Enter a reading"), form=form
        )


@admin.register(ReadingWindow)
class ReadingWindowAdmin(admin.ModelAdmin):
    audit_lists = False  # a list page shows no residents' data
    list_display = ["name", "starts_on", "ends_on", "community", "building", "links"]
    list_filter = ["starts_on"]
    search_fields = ["name"]
    autocomplete_fields = ["community", "building"]

    @admin.display(description=gettext_lazy("readings"))
    def links(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:meters_readingwindow_missing", args=[obj.pk]),
            _("missing"),
            reverse("admin:meters_readingwindow_export", args=[obj.pk]),
            _("CSV"),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/missing/", view(self.missing_view), name="meters_readingwindow_missing"),
            path(
                "<int:pk>/export.csv",
                view(download_view(self.export_view)),
                name="meters_readingwindow_export",
            ),
        ] + super().get_urls()

    def missing_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        window = get_object_or_404(ReadingWindow, pk=pk)
        meters = queries.missing_meters(window)
        audit_read(request, gettext_noop("Missing readings"), obj=window, meters=len(meters))
        return _admin_page(
            request,
            self,
            "admin/meters/missing.html",
            _("Missing readings: %(window)s") % {"window": window},
            window=window,
            meters=meters,
        )

    def export_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        window = get_object_or_404(ReadingWindow, pk=pk)
        filename, content_type, content = export.render(window)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        audit_read(
            request,
            gettext_noop("Readings export"),
            obj=window,
            action=Action.EXPORT,
            file=filename,
        )
        return response
