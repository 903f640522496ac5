"""Every control on a staff panel form has a name a screen reader says (WCAG 1.3.1, 4.1.2).

Django's tabular inlines and editable lists show the field's label only as the column header,
and its split date-and-time field labels neither of its two boxes. `AccessibleFieldsMixin` gives
such controls an `aria-label`: the field's label, and for the two boxes "… — data" and
"… — godzina"."""

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model
from django.forms.widgets import Widget
from django.http import HttpRequest
from django.utils.translation import gettext as _


def _named(widget: Widget) -> Widget:
    return getattr(widget, "widget", widget)  # RelatedFieldWidgetWrapper holds the real one


def name_fields(form_class: type[forms.ModelForm], in_table: bool) -> type[forms.ModelForm]:
    for field in form_class.base_fields.values():
        label = str(field.label or "")
        if not label:
            continue
        widget = _named(field.widget)
        if isinstance(widget, forms.MultiWidget):
            parts = {forms.DateInput: _("date"), forms.TimeInput: _("time")}
            for index, sub in enumerate(widget.widgets):
                part = next((v for k, v in parts.items() if isinstance(sub, k)), str(index + 1))
                sub.attrs.setdefault("aria-label", f"{label} — {part}")
        elif in_table and not widget.is_hidden:
            widget.attrs.setdefault("aria-label", label)
    return form_class


def _with_named_delete(formset_class: Any) -> Any:
    """The formset adds each row's "delete" box itself; it gets a name there."""

    class Named(formset_class):
        def add_fields(self, form: forms.BaseForm, index: int | None) -> None:
            super().add_fields(form, index)
            box = form.fields.get("DELETE")
            if box is not None:
                box.widget.attrs.setdefault("aria-label", _("Delete?"))

    Named.__name__ = Named.__qualname__ = formset_class.__name__
    return Named


class AccessibleFieldsMixin(admin.ModelAdmin):
    def get_form(
        self, request: HttpRequest, obj: Model | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, change=change, **kwargs)
        return name_fields(form, in_table=False)

    def get_formsets_with_inlines(
        self, request: HttpRequest, obj: Model | None = None
    ) -> Iterator[Any]:
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            in_table = isinstance(inline, admin.TabularInline)
            name_fields(formset.form, in_table=in_table)
            yield (_with_named_delete(formset) if in_table else formset), inline

    def get_changelist_formset(self, request: HttpRequest, **kwargs: Any) -> Any:
        formset = super().get_changelist_formset(request, **kwargs)
        name_fields(formset.form, in_table=True)
        return formset
