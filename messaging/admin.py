from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "user", "created_at", "read_at", "email_status"]
    list_filter = ["email_status", ("read_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["subject", "user__username", "user__last_name", "user__email"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    readonly_fields = [
        "user", "subject", "body", "link", "created_at", "read_at", "email_status",
        "email_sent_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
