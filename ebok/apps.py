from django.apps import AppConfig


class EbokConfig(AppConfig):
    name = "ebok"
    verbose_name = "e-BOK"
