import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ebok.settings")
application = get_wsgi_application()

# gunicorn loads this once in its master (preload_app): refuse to serve wrong balances.
from billing.ledger.summary_guard import require_summary_triggers  # noqa: E402

require_summary_triggers()

# The check opened a database connection in the master; a forked worker must not inherit it:
# two workers on one socket read each other's rows (wrong pages, or 500s under load).
from django.db import connections  # noqa: E402

connections.close_all()
