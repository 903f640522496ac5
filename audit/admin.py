from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import model_format_dict
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent
from .services import CHANGELIST

# Keys of old/new that are not a model's fields: what custom views and services record.
DETAIL_LABELS = {
    "search": _("search"),
    "filters": _("filters"),
    "page": _("page number"),
    "results": _("results"),
    "rows": _("rows"),
    "count": _("results"),
    "creditor": _("creditor"),
    "reason": _("reason"),
    "comment": _("comment"),
    "public_comment": _("comment for the resident"),
    "internal_note": _("internal note"),
    "correction": _("correcting entry"),
    "resent_to": _("people told again"),
    "ballots": _("ballots"),
    "file": _("file"),
    "attachment": _("attachment"),
    "meters": _("meters"),
    "action": _("action"),
    "document_type": _("document type"),
    "usable_password": _("may log in with a password"),
    "credentials_ended": _("earlier credentials ended"),
}


def _model(label):
    try:
        return apps.get_model(label) if label else None
    except (LookupError, ValueError):
        return None


def _field(model, name):
    try:
        return model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        return None


def _shown(field, value):
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(_shown(field, v) for v in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    choices = dict(field.flatchoices) if field is not None and field.choices else {}
    return str(choices.get(value, value))


def _action_description(model, name):
    model_admin = admin.site._registry.get(model)
    found = model_admin.get_action(name) if model_admin is not None else None
    if found is None:
        return name
    return str(found[2]) % model_format_dict(model._meta)


class ObjectTypeFilter(admin.SimpleListFilter):
    title = _("object type")
    parameter_name = "object_type"

    def lookups(self, request, model_admin):
        labels = (
            AuditEvent.objects.exclude(object_type="")
            .order_by("object_type")
            .values_list("object_type", flat=True)
            .distinct()
        )
        named = []
        for label in labels:
            model = _model(label)
            named.append((label, capfirst(model._meta.verbose_name_plural) if model else label))
        return sorted(named, key=lambda pair: str(pair[1]).lower())

    def queryset(self, request, queryset):
        return queryset.filter(object_type=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Browsable by superusers only, and never changed."""

    audit_reads = False
    audit_lists = False
    list_display = ("at", "actor_label", "action", "what", "resident", "ip")
    list_filter = ("action", ObjectTypeFilter, ("at", admin.DateFieldListFilter))
    search_fields = ("actor_label", "object_id", "object_repr", "resident__username", "ip")
    date_hierarchy = "at"
    list_select_related = ("resident",)
    fields = (
        "at",
        "actor",
        "actor_label",
        "action",
        "what",
        "object_type",
        "object_id",
        "object_repr",
        "resident",
        "changes",
        "ip",
    )
    readonly_fields = fields

    @admin.display(description=_("what"))
    def what(self, obj):
        model = _model(obj.object_type)
        new = obj.new if isinstance(obj.new, dict) else {}
        view = new.get("view")
        if view == CHANGELIST:
            models = model._meta.verbose_name_plural if model else obj.object_type
            parts = [gettext("list of %(models)s") % {"models": models}]
            if new.get("search") not in (None, ""):
                parts.append(gettext("search “%(term)s”") % {"term": new["search"]})
            if new.get("filters"):
                filters = ", ".join(f"{k}={v}" for k, v in new["filters"].items())
                parts.append(gettext("filters: %(filters)s") % {"filters": filters})
            if new.get("page"):
                parts.append(gettext("page %(page)s") % {"page": new["page"]})
            if isinstance(new.get("results"), int):
                n = new["results"]
                parts.append(ngettext("%(n)d result", "%(n)d results", n) % {"n": n})
            return "; ".join(parts)
        if new.get("action") and not obj.object_id and model is not None:
            rows = new.get("count") or len(new.get("rows") or [])
            return gettext("action “%(action)s”; %(models)s: %(n)s") % {
                "action": _action_description(model, new["action"]),
                "n": rows,
                "models": model._meta.verbose_name_plural,
            }
        if view:
            page = gettext(view)
            return f"{page}: {obj.object_repr}" if obj.object_id else page
        if model is None:
            return obj.object_repr or "—"
        name = capfirst(model._meta.verbose_name)
        return f"{name}: {obj.object_repr}" if obj.object_repr else name

    @admin.display(description=_("details"))
    def changes(self, obj):
        model = _model(obj.object_type)
        old = obj.old if isinstance(obj.old, dict) else {}
        new = obj.new if isinstance(obj.new, dict) else {}
        keys = [k for k in old if k != "view"] + [k for k in new if k not in old and k != "view"]
        if not keys:
            return "—"
        rows = []
        for key in keys:
            field = _field(model, key)
            label = field.verbose_name if field is not None else DETAIL_LABELS.get(key, key)
            shown_old = _shown(field, old[key]) if key in old else ""
            rows.append((capfirst(label), shown_old, _shown(field, new[key]) if key in new else ""))
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            capfirst(gettext("field")),
            capfirst(gettext("before")),
            capfirst(gettext("after")),
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
