"""Exactly one scheduler: two real `celery beat` processes on one Redis send each tick of the
schedule once, because RedBeat's lock lets one beat run while the other waits; when the first
stops, the second takes over. The schedule is a throwaway one (tests/beat_ticks.py: a message
every second to a queue nothing consumes), so the ticks are counted in Redis, each with the
process that sent it (the `origin` header, `gen<pid>@<host>`)."""

import json
import subprocess
import sys
import time

import pytest
import redis
from django.conf import settings

from tests.beat_ticks import TICKS
from tests.services import require_postgres, require_redis
from tests.workers import wait_for, worker_env

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

OVERLAP = 5  # seconds both beats run; the schedule ticks every second


def start_beat(env, log):
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tests.beat_ticks", "beat", "--loglevel", "info"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def senders(client):
    """The pid of the beat that sent each tick, oldest first (kombu pushes on the left)."""
    ticks = [json.loads(raw) for raw in reversed(client.lrange(TICKS, 0, -1))]
    return [int(tick["headers"]["origin"].removeprefix("gen").split("@")[0]) for tick in ticks]


def clean(client):
    client.delete(TICKS, *client.keys("redbeat:*"))


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_two_beats_send_each_tick_once_and_the_second_takes_over(tmp_path):
    require_redis()
    require_postgres()
    client = redis.Redis.from_url(settings.REDIS_URL)
    clean(client)
    env = worker_env(media=tmp_path)
    logs = {name: tmp_path / f"{name}.log" for name in ("a", "b")}
    beats = {name: start_beat(env, log) for name, log in logs.items()}

    def holder():
        holding = [name for name, log in logs.items() if "Acquired lock" in log.read_text()]
        started = all("beat: Starting" in log.read_text() for log in logs.values())
        return started and holding

    try:
        (first,) = wait_for(holder, "both beats to start and one to take the lock", timeout=60)
        (second,) = set(beats) - {first}
        wait_for(lambda: senders(client), "the first tick")
        before = len(senders(client))
        time.sleep(OVERLAP)
        ticks = senders(client)
        # Both alive, one sender, one message a tick: the waiting beat sent nothing.
        assert beats[second].poll() is None
        assert beats[first].poll() is None
        assert set(ticks) == {beats[first].pid}
        assert OVERLAP - 2 <= len(ticks) - before <= OVERLAP + 1
        assert "Acquired lock" not in logs[second].read_text()

        stop(beats[first])  # releases the lock on the way out
        stopped = len(senders(client))
        wait_for(
            lambda: senders(client).count(beats[second].pid) >= 3,
            "the second beat to take over and tick",
            timeout=20,
        )
        ticks = senders(client)
        assert set(ticks[:stopped]) == {beats[first].pid}
        assert set(ticks[stopped:]) == {beats[second].pid}
    finally:
        for process in beats.values():
            stop(process)
        clean(client)
