from django.contrib.admin.apps import AdminConfig


class AuditedAdminConfig(AdminConfig):
    """django.contrib.admin whose site audits every ModelAdmin registered on it."""

    default_site = "audit.admin_mixins.AuditedAdminSite"
