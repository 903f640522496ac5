"""Writing audit events. Any app may call `audit_record`; this app imports none of ours."""

import json

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .models import AuditEvent

Action = AuditEvent.Action

# Fields that name the person a row is about, tried in this order.
PERSON_FIELDS = ("user", "reporter", "submitted_by", "voter", "author", "sender", "recipient")


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


def resident_of(obj):
    """The resident whose data `obj` is, if any: the person it names, else an account's first
    holder."""
    user_model = get_user_model()
    if obj is None:
        return None
    if isinstance(obj, user_model):
        return None if obj.is_staff else obj
    for name in PERSON_FIELDS:
        person = getattr(obj, name, None) if _is_field(obj, name) else None
        if isinstance(person, user_model) and not person.is_staff:
            return person
    owner = obj
    if not hasattr(owner, "users"):
        owner = getattr(obj, "account", None) if _is_field(obj, "account") else None
    users = getattr(owner, "users", None)
    if users is not None and getattr(users, "model", None) is user_model:
        return users.order_by("pk").first()
    return None


def _is_field(obj, name):
    try:
        obj._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def audit_record(
    *,
    action,
    request=None,
    actor=None,
    actor_label="",
    obj=None,
    resident=None,
    old=None,
    new=None,
):
    """Append one event; call it inside the transaction of the change it records."""
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if actor is not None and not actor_label:
        actor_label = actor.get_username()
    if obj is not None and resident is None:
        resident = resident_of(obj)
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_label=(actor_label or "")[:150],
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        resident=resident,
        old=old or {},
        new=new or {},
        ip=client_ip(request),
    )
