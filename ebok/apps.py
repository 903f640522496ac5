from django.apps import AppConfig


class EbokConfig(AppConfig):
    name = "ebok"
    verbose_name = "e-BOK"

    def ready(self):
        from . import checks, middleware  # noqa: F401 - deploy checks, the login-time signal
