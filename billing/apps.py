from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self):
        from billing.bank import signals as bank_signals  # noqa: F401 - connects receivers
        from billing.ledger import (
            signals,  # noqa: F401 - connects the receivers
            summary_guard,
        )
        from billing.ledger_admin.admin_warnings import interest_rates_outdated
        from core.admin_warnings import register

        register(interest_rates_outdated)
        post_migrate.connect(summary_guard.after_migrate, sender=self)
