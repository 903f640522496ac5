import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ebok.settings")
application = get_wsgi_application()

# gunicorn loads this once in its master (preload_app): refuse to serve wrong balances.
from billing.ledger.summary_guard import require_summary_triggers  # noqa: E402

require_summary_triggers()
