from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetersConfig(AppConfig):
    name = "meters"
    verbose_name = _("Water meters")

    def ready(self):
        from core.admin_warnings import register
        from meters.admin_warnings import expired_meters

        register(expired_meters)
