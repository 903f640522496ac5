"""`celery -A tests.beat_ticks beat`: the project's Celery app and beat configuration (RedBeat
and its lock, ebok/settings.py) with a throwaway schedule: one entry that sends a harmless
message every second to the queue TICKS, which no worker consumes, so a test counts them
there (tests/reliability/test_single_beat.py)."""

from ebok.celery import app

TICKS = "beat-ticks"
TICK = "tests.beat_tick"  # never registered: beat sends it by name

app.conf.beat_schedule = {"tick": {"task": TICK, "schedule": 1.0, "options": {"queue": TICKS}}}
