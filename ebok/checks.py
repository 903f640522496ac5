"""Deployment checks (`manage.py check --deploy`) for what Django's own do not cover."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def trusted_proxy_declared(app_configs, **kwargs):
    if settings.DEBUG or settings.TRUSTED_PROXY_COUNT_SET:
        return []
    return [
        Error(
            "TRUSTED_PROXY_COUNT is not set.",
            hint=(
                "Say how many proxies stand in front of gunicorn (0 when clients connect "
                "directly). Behind a proxy left unsaid every client shares its IP in the "
                "login rate limits and the audit log."
            ),
            id="ebok.E001",
        )
    ]
