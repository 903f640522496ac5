"""Writing audit events. Any app may call these; this app imports none of ours.

- `audit_record`: one event, the general form.
- `audit_clerk`: a staff action inside a service, in the service's own transaction; nothing
  when the service runs without a clerk (beat, workers, the resident's own actions).
- `audit_read`: a staff read of residents' data in a custom admin view (a page, a file, a
  CSV export)."""

import contextlib
import contextvars
import json

from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .models import AuditEvent
from .subjects import first_resident

Action = AuditEvent.Action

# `new["view"]` of a list page's event (other reads name their page by a gettext_noop msgid).
CHANGELIST = "changelist"

# The admin request being handled, so that an event written by a service gets its IP.
_current_request = contextvars.ContextVar("audit_current_request", default=None)


def current_request():
    return _current_request.get()


@contextlib.contextmanager
def serving(request):
    """Make `request` current while it is handled (the admin site wraps every admin view)."""
    token = _current_request.set(request)
    try:
        yield request
    finally:
        _current_request.reset(token)


def client_ip(request):
    if request is None:
        return None
    try:
        from allauth.core.internal.httpkit import get_client_ip

        return get_client_ip(request)  # honours the configured trusted proxy only
    except Exception:  # noqa: BLE001 - an unknown IP must never stop the action
        return request.META.get("REMOTE_ADDR") or None


def plain(value):
    """A JSON-safe copy of a field value (model rows by pk, files by name)."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple | set):
        return [plain(v) for v in value]
    if hasattr(value, "name") and hasattr(value, "storage"):
        return value.name or ""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, default=str))


def values_of(obj, names=None):
    """{field: plain value} of `obj`'s concrete fields (or of `names`, skipping non-fields)."""
    if names is None:
        names = [f.name for f in obj._meta.concrete_fields]
    values = {}
    for name in names:
        try:
            field = obj._meta.get_field(name)
        except FieldDoesNotExist:  # a form-only field
            continue
        if field.many_to_many:
            values[name] = sorted(plain(list(getattr(obj, name).all()))) if obj.pk else []
        elif field.concrete:
            values[name] = plain(getattr(obj, field.attname if field.is_relation else name))
    return values


def resident_of(obj):
    """The resident whose data `obj` is, as its model declares with `audit_resident()` (see
    audit.subjects); None for rows of nobody's (staff, the register's buildings, settings)."""
    return first_resident(obj) if obj is not None else None


def audit_record(
    *,
    action,
    request=None,
    actor=None,
    actor_label="",
    obj=None,
    model=None,
    object_repr=None,
    resident=None,
    old=None,
    new=None,
):
    """Append one event; call it inside the transaction of the change it records.

    `model` names the kind of rows read when there is no single `obj` (a list, a report);
    `object_repr` overrides the text stored for the object."""
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if actor is not None and not actor_label:
        actor_label = actor.get_username()
    if obj is not None and resident is None:
        resident = resident_of(obj)
    meta = model._meta if model is not None else getattr(obj, "_meta", None)
    if object_repr is None:
        object_repr = str(obj) if obj is not None else ""
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_label=(actor_label or "")[:150],
        object_type=meta.label_lower if meta is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=object_repr[:200],
        resident=resident,
        old=plain(old or {}),
        new=plain(new or {}),
        ip=client_ip(request),
    )


def audit_clerk(clerk, *, action, obj, resident=None, old=None, new=None):
    """A clerk's change made by a service: call it inside the service's transaction. Without
    a clerk (a scheduled or worker run) nothing is recorded."""
    if clerk is None:
        return None
    return audit_record(
        action=action,
        request=current_request(),
        actor=clerk,
        obj=obj,
        resident=resident,
        old=old,
        new=new,
    )


def audit_read(
    request, view, *, obj=None, model=None, action=Action.VIEW, resident=None, **details
):
    """A staff read of residents' data in a custom admin view: `view` names the page (an English
    msgid marked with gettext_noop, translated when the log is shown), `details` what was
    asked for (filters, rows)."""
    return audit_record(
        action=action,
        request=request,
        obj=obj,
        model=model,
        object_repr=None if obj is not None else view,
        resident=resident,
        new={"view": view, **details},
    )
