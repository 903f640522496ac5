from django.contrib.admin.apps import AdminConfig


class AuditedAdminConfig(AdminConfig):
    """django.contrib.admin whose site audits every ModelAdmin registered on it."""

    default_site = "audit.admin_mixins.AuditedAdminSite"

    def ready(self):
        super().ready()
        from core.admin_grammar import declared_forms, name_brought_in_models

        declared_forms()  # each app's admin_grammar.py read at start: a mistake fails here
        name_brought_in_models()
