from django.apps import AppConfig


class EbokConfig(AppConfig):
    name = "ebok"
    verbose_name = "e-BOK"

    def ready(self):
        from . import checks, middleware, staff_roles  # noqa: F401 - checks, login-time signal

        staff_roles.connect()

        from core.admin_warnings import register

        from .celery_monitor import admin_warnings

        register(admin_warnings)
