"""gunicorn's settings in production; gunicorn reads this file from the working directory, and
options given on its command line win. WEB_CONCURRENCY sets the number of workers.

Sync workers, one per core: a page costs a few milliseconds of CPU and waits little on
PostgreSQL and Redis, so more workers than cores only queue for the CPU. On 2 vCPUs shared with
PostgreSQL (make bench) 2 workers served the dashboard at 468 req/s with p99 92 ms, 5 workers at
364 req/s with p99 209 ms. Workers are not recycled after N requests: at hundreds of requests a
second that restarts one every few seconds, and each restart stalls the requests queued on it."""

import os
import shutil
import tempfile
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2))
timeout = 60  # a 10-year PDF statement renders in seconds; anything longer is stuck
graceful_timeout = 30
preload_app = True  # Django is imported once, in the master; a worker that dies is forked fast
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# The access log on stdout (GUNICORN_ACCESS_LOG: a file instead, or empty for none): client,
# method, path without the query string (it may hold a search for a name or a PESEL), status,
# bytes, time taken and the request id that the response carries (ebok/request_context.py).
# No referrer: it has query strings too.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'

# Prometheus metrics of every worker (ebok/metrics.py): each worker writes its figures to files
# in this folder and a scrape adds them up. Set here, in the master, before Django and
# prometheus_client are loaded; a folder given by the environment is emptied at start.
_own_folder = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _own_folder:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="ebok-metrics-")


def on_starting(server):
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        if not stale.name.endswith(f"_{os.getpid()}.db"):  # the master's own, made by preload
            stale.unlink()


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _own_folder:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


# LOG_FORMAT=json: gunicorn's own lines and the access log as JSON objects too.
if os.environ.get("LOG_FORMAT") == "json":
    logconfig_dict = {
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": ["levelname", "name", "message"],
                "rename_fields": {"levelname": "level", "name": "logger"},
                "timestamp": "time",
            }
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            },
            "error_console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
        },
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
    }
