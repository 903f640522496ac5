"""Staff reads and changes in the admin, recorded with old and new values.

`AuditedAdminSite` mixes `AuditedAdminMixin` into every ModelAdmin registered on it, so a new
admin is audited without anyone remembering to."""

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist

from .services import Action, audit_record, plain


def _values(obj, names):
    values = {}
    for name in names:
        try:
            field = obj._meta.get_field(name)
        except FieldDoesNotExist:  # a form-only field
            continue
        if field.many_to_many:
            values[name] = sorted(plain(list(getattr(obj, name).all()))) if obj.pk else []
        else:
            values[name] = plain(getattr(obj, field.attname if field.is_relation else name))
    return values


class AuditedAdminMixin:
    audit_reads = True

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if self.audit_reads and request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, admin.utils.unquote(object_id))
            if obj is not None:
                audit_record(action=Action.VIEW, request=request, obj=obj)
        return response

    def save_model(self, request, obj, form, change):
        changed = list(form.changed_data)
        old = {}
        if change:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            old = _values(stored, changed) if stored is not None else {}
        super().save_model(request, obj, form, change)
        new = _values(obj, changed if change else [f.name for f in obj._meta.concrete_fields])
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
                    olds[inline.instance.pk] = _values(stored, inline.changed_data)
        super().save_formset(request, form, formset, change)
        for obj in getattr(formset, "new_objects", []):
            fields = [f.name for f in obj._meta.concrete_fields]
            audit_record(action=Action.ADD, request=request, obj=obj, new=_values(obj, fields))
        for obj, changed in getattr(formset, "changed_objects", []):
            audit_record(
                action=Action.CHANGE,
                request=request,
                obj=obj,
                old=olds.get(obj.pk, {}),
                new=_values(obj, changed),
            )
        for obj in getattr(formset, "deleted_objects", []):
            audit_record(action=Action.DELETE, request=request, obj=obj)

    def delete_model(self, request, obj):
        audit_record(
            action=Action.DELETE,
            request=request,
            obj=obj,
            old=_values(obj, [f.name for f in obj._meta.concrete_fields]),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit_record(
                action=Action.DELETE,
                request=request,
                obj=obj,
                old=_values(obj, [f.name for f in obj._meta.concrete_fields]),
            )
        super().delete_queryset(request, queryset)


class AuditedAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedAdminMixin):
            admin_class = type(
                admin_class.__name__,
                (AuditedAdminMixin, admin_class),
                {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__},
            )
        super().register(model_or_iterable, admin_class, **options)
