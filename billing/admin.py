"""Django finds the admin here: each room of billing registers its own."""

from billing.bank import admin as bank_admin  # noqa: F401
from billing.certificates import admin as certificates_admin  # noqa: F401
from billing.invoices import admin as invoices_admin  # noqa: F401
from billing.ledger_admin import admin as ledger_admin  # noqa: F401
from billing.water import admin as water_admin  # noqa: F401
from billing.water import admin_jobs as water_admin_jobs  # noqa: F401
