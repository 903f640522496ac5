"""Whether the Celery processes are alive and keep up, kept in Redis where every process sees
it: beat's heartbeat (each publish of `ebok.heartbeat_record`, every minute), each worker's
heartbeat with the queues it takes tasks from (every 30 s, `ebok.celery.WorkerHeartbeat`), the
length of every queue, and counts of failed and retried tasks by name. Read by the admin's
front page (a warning for staff) and by /metrics. Without REDIS_URL (tasks run in the web
process) there is nothing to watch."""

import json
import logging
import time
from dataclasses import dataclass, field

import redis
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

log = logging.getLogger(__name__)

BEAT_KEY = "ebok:heartbeat:beat"
HEARTBEAT_TASK_KEY = "ebok:heartbeat:task"
WORKERS_KEY = "ebok:heartbeat:workers"
FAILURES_KEY = "ebok:celery:task_failures"
RETRIES_KEY = "ebok:celery:task_retries"
WORKER_HEARTBEAT_SECONDS = 30.0
FORGET_WORKER_SECONDS = 24 * 3600  # a worker gone this long (an old container) is dropped
# kombu's Redis transport keeps a queue as one list per priority step: "name", then
# "name\x06\x163", "name\x06\x166", "name\x06\x169".
_PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")

_clients: dict[str, redis.Redis] = {}


def redis_client() -> redis.Redis:
    """A client of REDIS_URL that gives up within a second (a page or probe must not hang)."""
    url = settings.REDIS_URL
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    return _clients[url]


def _write(what, *commands):
    if not settings.REDIS_URL:
        return
    try:
        with redis_client().pipeline(transaction=False) as pipe:
            for name, *args in commands:
                getattr(pipe, name)(*args)
            pipe.execute()
    except redis.RedisError:
        log.warning("Could not record %s in Redis", what, exc_info=True)


def beat_heartbeat():
    _write("beat's heartbeat", ("set", BEAT_KEY, repr(time.time())))


def heartbeat_task_ran():
    _write("the heartbeat task", ("set", HEARTBEAT_TASK_KEY, repr(time.time())))


def task_failed(task_name: str):
    _write("a task failure", ("hincrby", FAILURES_KEY, task_name, 1))


def task_retried(task_name: str):
    _write("a task retry", ("hincrby", RETRIES_KEY, task_name, 1))


def worker_heartbeat(hostname: str, queues):
    now = time.time()
    record = json.dumps({"at": now, "queues": sorted(queues)})
    stale = [
        name
        for name, (at, _queues) in _workers(_hgetall(WORKERS_KEY)).items()
        if now - at > FORGET_WORKER_SECONDS and name != hostname
    ]
    commands = [("hset", WORKERS_KEY, hostname, record)]
    if stale:
        commands.append(("hdel", WORKERS_KEY, *stale))
    _write("a worker's heartbeat", *commands)


def _hgetall(key) -> dict:
    if not settings.REDIS_URL:
        return {}
    try:
        return redis_client().hgetall(key)
    except redis.RedisError:
        return {}


def _workers(raw: dict) -> dict[str, tuple[float, list[str]]]:
    workers = {}
    for name, value in raw.items():
        try:
            record = json.loads(value)
            workers[name.decode()] = (float(record["at"]), list(record["queues"]))
        except (ValueError, KeyError, TypeError):
            continue
    return workers


def configured_queues() -> list[str]:
    """The queues tasks are sent to: the default one, those declared in `task_queues`, those
    named by `task_routes` and by the tasks' own `queue` option."""
    from ebok.celery import app

    conf = app.conf
    names = {conf.task_default_queue}
    queues = conf.task_queues or ()
    names.update(queues if isinstance(queues, dict) else (queue.name for queue in queues))
    routes = conf.task_routes or ()
    for table in [routes] if isinstance(routes, dict) else routes:
        if isinstance(table, dict):
            for route in table.values():
                if isinstance(route, str):
                    names.add(route)
                elif isinstance(route, dict) and route.get("queue"):
                    queue = route["queue"]
                    names.add(queue if isinstance(queue, str) else queue.name)
    for task in app.tasks.values():
        queue = getattr(task, "queue", None)
        if queue:
            names.add(queue if isinstance(queue, str) else queue.name)
    return sorted(names)


@dataclass
class Snapshot:
    """What Redis knows now; times are Unix seconds."""

    beat_at: float | None = None
    heartbeat_task_at: float | None = None
    workers: dict[str, tuple[float, list[str]]] = field(default_factory=dict)
    queue_lengths: dict[str, int] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    retries: dict[str, int] = field(default_factory=dict)

    def newest_worker_on(self, queue) -> float | None:
        times = [at for at, queues in self.workers.values() if queue in queues]
        return max(times) if times else None


def snapshot() -> Snapshot | None:
    """Everything in two round trips; None when Redis cannot be reached (or is not used)."""
    if not settings.REDIS_URL:
        return None
    configured = configured_queues()
    try:
        client = redis_client()
        with client.pipeline(transaction=False) as pipe:
            pipe.get(BEAT_KEY).get(HEARTBEAT_TASK_KEY).hgetall(WORKERS_KEY)
            pipe.hgetall(FAILURES_KEY).hgetall(RETRIES_KEY)
            beat, task, workers, failures, retries = pipe.execute()
        found = _workers(workers)
        queues = sorted(set(configured).union(*(q for _at, q in found.values())))
        with client.pipeline(transaction=False) as pipe:
            for queue in queues:
                for suffix in _PRIORITY_SUFFIXES:
                    pipe.llen(queue + suffix)
            lengths = pipe.execute()
    except redis.RedisError:
        log.warning("Could not read the Celery heartbeats from Redis", exc_info=True)
        return None
    step = len(_PRIORITY_SUFFIXES)
    return Snapshot(
        beat_at=float(beat) if beat else None,
        heartbeat_task_at=float(task) if task else None,
        workers=found,
        queue_lengths={
            queue: sum(lengths[i * step : (i + 1) * step]) for i, queue in enumerate(queues)
        },
        failures={name.decode(): int(count) for name, count in failures.items()},
        retries={name.decode(): int(count) for name, count in retries.items()},
    )


def _minutes(seconds) -> int:
    return max(1, int(seconds // 60))


def admin_warnings(request) -> list[str]:
    """For the admin's front page: beat or a queue's workers silent for longer than
    HEARTBEAT_MAX_AGE_MINUTES, or a queue longer than QUEUE_BACKLOG_THRESHOLD."""
    if not settings.REDIS_URL or not request.user.is_staff:
        return []
    state = snapshot()
    if state is None:
        return [
            _(
                "Redis cannot be reached: queued tasks wait, and nothing can be said about the "
                "Celery workers and beat. The sweepers send what waited once Redis is back."
            )
        ]
    now = time.time()
    limit = settings.HEARTBEAT_MAX_AGE_MINUTES * 60
    return [
        *_beat_warnings(state, now, limit),
        *_worker_warnings(state, now, limit),
        *_backlog_warnings(state),
    ]


def _beat_warnings(state: Snapshot, now: float, limit: float) -> list[str]:
    if state.beat_at is None:
        return [
            _(
                "Celery beat has sent no heartbeat: periodic tasks (sweepers, reminders, the "
                "monthly charge run) are not being started."
            )
        ]
    if now - state.beat_at <= limit:
        return []
    minutes = _minutes(now - state.beat_at)
    return [
        ngettext(
            "Celery beat has sent no heartbeat for %(minutes)d minute: periodic tasks "
            "(sweepers, reminders, the monthly charge run) are not being started.",
            "Celery beat has sent no heartbeat for %(minutes)d minutes: periodic tasks "
            "(sweepers, reminders, the monthly charge run) are not being started.",
            minutes,
        )
        % {"minutes": minutes}
    ]


def _worker_warnings(state: Snapshot, now: float, limit: float) -> list[str]:
    messages = []
    for queue in configured_queues():
        newest = state.newest_worker_on(queue)
        if newest is None:
            messages.append(
                _("No Celery worker takes tasks from the queue “%(queue)s”.") % {"queue": queue}
            )
        elif now - newest > limit:
            minutes = _minutes(now - newest)
            messages.append(
                ngettext(
                    "No Celery worker taking tasks from the queue “%(queue)s” has sent a "
                    "heartbeat for %(minutes)d minute.",
                    "No Celery worker taking tasks from the queue “%(queue)s” has sent a "
                    "heartbeat for %(minutes)d minutes.",
                    minutes,
                )
                % {"queue": queue, "minutes": minutes}
            )
    return messages


def _backlog_warnings(state: Snapshot) -> list[str]:
    return [
        ngettext(
            "%(count)d task waits in the queue “%(queue)s”: the workers do not keep up.",
            "%(count)d tasks wait in the queue “%(queue)s”: the workers do not keep up.",
            length,
        )
        % {"count": length, "queue": queue}
        for queue, length in sorted(state.queue_lengths.items())
        if length > settings.QUEUE_BACKLOG_THRESHOLD
    ]
