"""Queueing a Celery task from a service: by name, after the transaction commits.

Tasks import services, never the other way round, so a service names the task it wants. The
send is robust: with the broker down, what the transaction committed stays pending and the app's
sweeper queues it again (the database row is the truth, the task only a nudge)."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from celery import current_app
from django.db import transaction

_held: ContextVar[frozenset[str]] = ContextVar("held_tasks", default=frozenset())


@contextmanager
def held(*names: str) -> Iterator[None]:
    """Inside the block the tasks `names` are not queued: the rows they would work on stay
    pending for their sweeper, or for whoever asks for them first (a PDF on its first
    download). The demo data uses it so that `make run` serves its first page without
    rendering a hundred PDFs in-process first."""
    token = _held.set(_held.get() | frozenset(names))
    try:
        yield
    finally:
        _held.reset(token)


def enqueue(name: str, *args: object) -> None:
    """Queue task `name` now. Without a broker (`make run`, CELERY_TASK_ALWAYS_EAGER) it runs
    here and now, as `.delay()` would."""
    if name in _held.get():
        return
    app = current_app
    if app.conf.task_always_eager:
        app.loader.import_default_modules()  # the tasks register themselves when imported
        app.tasks[name].delay(*args)
    else:
        app.send_task(name, args=args)


def enqueue_on_commit(name: str, *args: object) -> None:
    """Queue task `name` once the current transaction commits (nothing if it rolls back)."""
    transaction.on_commit(lambda: enqueue(name, *args), robust=True)
