from django.contrib import admin

from .models import DataExport


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    list_display = ["user", "status", "requested_at", "finished_at", "expires_at", "size"]
    list_filter = ["status"]
    search_fields = ["user__username", "user__last_name"]
    fields = ("user", "status", "requested_at", "finished_at", "expires_at", "size", "error")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
