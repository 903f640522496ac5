"""gunicorn's settings in production; gunicorn reads this file from the working directory, and
options given on its command line win. WEB_CONCURRENCY sets the number of workers.

Sync workers, one per core: a page costs a few milliseconds of CPU and waits little on
PostgreSQL and Redis, so more workers than cores only queue for the CPU. On 2 vCPUs shared with
PostgreSQL (make bench) 2 workers served the dashboard at 468 req/s with p99 92 ms, 5 workers at
364 req/s with p99 209 ms. Workers are not recycled after N requests: at hundreds of requests a
second that restarts one every few seconds, and each restart stalls the requests queued on it."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2))
timeout = 60  # a 10-year PDF statement renders in seconds; anything longer is stuck
graceful_timeout = 30
preload_app = True  # Django is imported once, in the master; a worker that dies is forked fast
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
