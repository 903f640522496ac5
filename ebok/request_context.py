"""The request id and the user id on every log line of a request, and on its error reports.

The id comes from the proxy's `X-Request-ID` when it is a plain token, otherwise it is made
here; the response carries it back, and gunicorn's access log prints it. A task queued while
serving a request carries the id in its message headers, so the worker's lines share it. Only
the user's id is logged: never a name, an e-mail address or a PESEL."""

import logging
import re
import uuid
from contextvars import ContextVar

import pythonjsonlogger.json
from celery import current_task
from django.core.signals import request_finished
from django.dispatch import receiver
from django.utils.functional import empty

HEADER = "X-Request-ID"
_TOKEN = re.compile(r"[A-Za-z0-9._:-]{8,128}")  # anything else (spaces, quotes) is not trusted

_request_id: ContextVar[str | None] = ContextVar("ebok_request_id", default=None)
_request: ContextVar[object | None] = ContextVar("ebok_request", default=None)


def current_request_id() -> str | None:
    return _request_id.get()


def current_user_id() -> int | None:
    """The logged-in user's id, if this request has already looked the user up: reading it
    here never costs a query (nor logs one, which would come back here)."""
    request = _request.get()
    if request is None:
        return None
    user = request.__dict__.get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)  # request.user is a lazy object until used
    if wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None
    return wrapped.pk


def request_id_from(value: str | None) -> str:
    if value and _TOKEN.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE but for the probes. The ids stay set until the response is closed:
    Django logs a 4xx or 5xx response after the middleware has returned it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request.META.get("HTTP_X_REQUEST_ID"))
        _request_id.set(request.request_id)
        _request.set(request)
        response = self.get_response(request)
        response[HEADER] = request.request_id
        return response


@receiver(request_finished, dispatch_uid="ebok_request_context_forget")
def _forget(**kwargs):
    _request_id.set(None)
    _request.set(None)


def task_started(request_id: str | None):
    """A task's lines carry the id of the request that queued it (None: a beat or sweep task)."""
    _request_id.set(request_id)
    _request.set(None)


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `user_id` to every record (None outside a request), and in a
    worker `task` and `task_id`."""

    def filter(self, record):
        record.request_id = _request_id.get()
        record.user_id = current_user_id()
        task = current_task
        if task and task.request.id and not task.request.is_eager:
            record.task, record.task_id = task.name, task.request.id
        else:
            record.task = record.task_id = None
        return True


class JsonFormatter(pythonjsonlogger.json.JsonFormatter):
    """One JSON object a line (LOG_FORMAT=json): time, level, logger, message, request_id,
    user_id, in a worker the task's name and id, and the exception when there is one. Other
    attributes a library attaches to a record are left out (Django's `request` would print the
    path with its query string)."""

    FIELDS = ("time", "level", "logger", "message", "request_id", "user_id", "task", "task_id")

    def __init__(self, *args, **kwargs):
        super().__init__(
            ["levelname", "name", "message", "request_id", "user_id", "task", "task_id"],
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",
        )

    def process_log_record(self, log_data):
        kept = {name: log_data.get(name) for name in self.FIELDS}
        if kept["task"] is None:  # outside a worker's task
            del kept["task"], kept["task_id"]
        for name in ("exc_info", "stack_info"):
            if log_data.get(name):
                kept[name] = log_data[name]
        return kept
