"""Celery finds billing's tasks here: each room keeps its own in its tasks.py."""

from billing.account import tasks as account_tasks  # noqa: F401
from billing.bank import tasks as bank_tasks  # noqa: F401
from billing.certificates import tasks as certificates_tasks  # noqa: F401
from billing.invoices import tasks as invoices_tasks  # noqa: F401
from billing.ledger import tasks as ledger_tasks  # noqa: F401
from billing.reminders import tasks as reminders_tasks  # noqa: F401
from billing.water import tasks as water_tasks  # noqa: F401
