"""Staff reads and changes in the admin, recorded with old and new values.

`AuditedAdminSite` mixes `AuditedAdminMixin` into every ModelAdmin registered on it, so a new
admin is audited without anyone remembering to: one page of a record read, every list page
shown (with its search and filters), every add, change and delete. Custom views record their
own reads and changes (`audit_read`, `audit_clerk`); the site makes the request's IP known to
services while an admin view runs."""

import functools
import json
from typing import Any

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import IGNORED_PARAMS, PAGE_VAR, SEARCH_VAR

from core.admin_field_names import AccessibleFieldsMixin
from core.admin_grammar import PolishAdminMixin
from core.admin_warnings import warnings_for

from .services import CHANGELIST, Action, audit_record, resident_of, serving, values_of


def _readable(query):
    """A query string as typed: `q=Kowalski status__exact=new` (no %-escapes)."""
    return " ".join(f"{key}={value}" for key, values in query.lists() for value in values)


def list_details(query, result_count=None):
    details: dict[str, Any] = {"view": CHANGELIST}
    if query.get(SEARCH_VAR):
        details["search"] = query[SEARCH_VAR]
    filters = {
        key: value
        for key, value in query.items()
        if key not in IGNORED_PARAMS and key not in (SEARCH_VAR, PAGE_VAR, "_changelist_filters")
    }
    if filters:
        details["filters"] = filters
    if query.get(PAGE_VAR):
        details["page"] = query[PAGE_VAR]
    if result_count is not None:
        details["results"] = result_count
    return details


# At most this many row ids are kept in the event of an action.
ACTION_ROWS = 1000


def _audited_action(func, name):
    @functools.wraps(func)
    def run(model_admin, request, queryset):
        pks = list(queryset.values_list("pk", flat=True)[: ACTION_ROWS + 1])
        count = len(pks) if len(pks) <= ACTION_ROWS else queryset.count()
        response = func(model_admin, request, queryset)
        one = queryset.model._default_manager.filter(pk=pks[0]).first() if count == 1 else None
        new = {"action": name, "rows": pks[:ACTION_ROWS]}
        if count > ACTION_ROWS:
            new["count"] = count
        audit_record(
            action=Action.CHANGE,
            request=request,
            model=queryset.model,
            object_repr=name,
            resident=resident_of(one),
            new=new,
        )
        return response

    return run


class AuditedAdminMixin(admin.ModelAdmin):
    """An admin may set `audit_reads = False` (its pages are not residents' data) and
    `audit_lists = False` (its list pages are not); read with getattr, since this mixin comes
    first in the MRO and a default here would hide the admin's own setting."""

    def audits_reads(self):
        return getattr(self, "audit_reads", True)

    def audits_lists(self):
        return getattr(self, "audit_lists", self.audits_reads())

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if self.audits_lists() and request.method == "GET" and response.status_code == 200:
            changelist = (getattr(response, "context_data", None) or {}).get("cl")
            if changelist is not None:
                audit_record(
                    action=Action.VIEW,
                    request=request,
                    model=self.model,
                    object_repr=_readable(request.GET),
                    new=list_details(request.GET, changelist.result_count),
                )
        return response

    def get_actions(self, request):
        """Each action run is recorded (which, on what rows); the services it calls record the
        details. Deleting is recorded row by row by delete_queryset."""
        audited = {}
        for name, action in super().get_actions(request).items():
            if action is None:  # never so in Django; its stubs allow it
                continue
            func, _name, desc = action
            audited[name] = (
                func if name == "delete_selected" else _audited_action(func, name), name, desc
            )
        return audited

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if self.audits_reads() and request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                audit_record(action=Action.VIEW, request=request, obj=obj)
        return response

    def save_model(self, request, obj, form, change):
        changed = list(form.changed_data)
        old: dict[str, Any] = {}
        if change:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            old = values_of(stored, changed) if stored is not None else {}
        super().save_model(request, obj, form, change)
        new = values_of(obj, changed if change else [f.name for f in obj._meta.concrete_fields])
        if change:  # a form may call a field changed that is stored the same
            same = [name for name in new if name in old and old[name] == new[name]]
            for name in same:
                del old[name], new[name]
            if not new:
                return
        audit_record(
            action=Action.CHANGE if change else Action.ADD,
            request=request,
            obj=obj,
            old=old,
            new=new,
        )

    def save_formset(self, request, form, formset, change):
        olds = {}
        for inline in formset.forms:
            if inline.instance.pk and inline.has_changed():
                stored = type(inline.instance)._default_manager.filter(pk=inline.instance.pk)
                stored = stored.first()
                if stored is not None:
                    olds[inline.instance.pk] = values_of(stored, inline.changed_data)
        super().save_formset(request, form, formset, change)
        for obj in getattr(formset, "new_objects", []):
            fields = [f.name for f in obj._meta.concrete_fields]
            audit_record(action=Action.ADD, request=request, obj=obj, new=values_of(obj, fields))
        for obj, changed in getattr(formset, "changed_objects", []):
            audit_record(
                action=Action.CHANGE,
                request=request,
                obj=obj,
                old=olds.get(obj.pk, {}),
                new=values_of(obj, changed),
            )
        for obj in getattr(formset, "deleted_objects", []):
            audit_record(action=Action.DELETE, request=request, obj=obj)

    def delete_model(self, request, obj):
        audit_record(
            action=Action.DELETE,
            request=request,
            obj=obj,
            old=values_of(obj, [f.name for f in obj._meta.concrete_fields]),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit_record(
                action=Action.DELETE,
                request=request,
                obj=obj,
                old=values_of(obj, [f.name for f in obj._meta.concrete_fields]),
            )
        super().delete_queryset(request, queryset)


class AuditedAdminSite(admin.AdminSite):
    def index(self, request, extra_context=None):
        for message in warnings_for(request):
            messages.warning(request, message)
        return super().index(request, extra_context)

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedAdminMixin):
            admin_class = type(
                admin_class.__name__,
                (AuditedAdminMixin, PolishAdminMixin, AccessibleFieldsMixin, admin_class),
                {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__},
            )
        super().register(model_or_iterable, admin_class, **options)

    def admin_view(self, view, cacheable=False):
        wrapped = super().admin_view(view, cacheable)

        @functools.wraps(wrapped)
        def inner(request, *args, **kwargs):
            with serving(request):
                return wrapped(request, *args, **kwargs)

        return inner

    def autocomplete_view(self, request):
        """The search box of a relation (a person, an account): one read per request."""
        response = super().autocomplete_view(request)
        if response.status_code == 200:
            model = self._autocompleted_model(request)
            model_admin = self._registry.get(model)
            if isinstance(model_admin, AuditedAdminMixin) and model_admin.audits_lists():
                term = request.GET.get("term", "")
                results = json.loads(response.content).get("results", [])
                audit_record(
                    action=Action.VIEW,
                    request=request,
                    model=model,
                    object_repr=f"{SEARCH_VAR}={term}",
                    new={"view": CHANGELIST, "search": term, "results": len(results)},
                )
        return response

    @staticmethod
    def _autocompleted_model(request):
        try:
            source = apps.get_model(request.GET["app_label"], request.GET["model_name"])
            return source._meta.get_field(request.GET["field_name"]).remote_field.model
        except Exception:  # noqa: BLE001 - the view answered, so this is only a safeguard
            return None
