"""Polish admin phrases in the right grammatical case and plural form.

Django's admin builds "Add %s", "Change %s", "Select %s to change" and "7 %s" from a model's
verbose name in the nominative, which Polish cannot use there ("Dodaj użytkownik", "7
użytkownicy"). Each app declares FORMS in its admin_grammar.py: the accusative, genitive and
genitive plural of each of its models registered in admin, by the model's label, as pgettext
entries of its English name (English needs no change: the msgid is the form); accounts declares
the login models it brings in from Django and allauth. Counts take the catalogue's plural rule:
1 użytkownik, 2 użytkownicy, 5 użytkowników. The admin site applies PolishAdminMixin to every
ModelAdmin it registers and reads the apps' forms when it is ready.

A package that names its models and fields only in English (allauth's authenticators and
sessions: "created at", "user agent") gets Polish names from the app that brings it in: NAMES in
its admin_grammar.py, set on the models when the admin is ready (`name_brought_in_models`). Only
the names shown are set; the names migrations read (a field's `_verbose_name`, Meta's
`original_attrs`) stay as the package wrote them, so no migration follows."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.core.exceptions import ImproperlyConfigured
from django.db.models.options import Options
from django.forms import ModelMultipleChoiceField
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext, npgettext, pgettext

from core.app_modules import app_modules


@dataclass(frozen=True)
class Forms:
    accusative: str | Promise
    genitive: str | Promise
    genitive_plural: str | Promise
    nominative_plural: str | Promise | None = None  # when the model's plural name is not one


@dataclass(frozen=True)
class Names:
    """What the staff panel calls a model brought in from another package, and its fields."""

    singular: str | Promise
    plural: str | Promise
    fields: Mapping[str, str | Promise] = field(default_factory=dict)


def name_brought_in_models() -> None:
    """Each app's NAMES (its admin_grammar.py) and APP_NAMES set on the models and apps they
    name."""
    for _label, module in app_modules("admin_grammar"):
        for label, names in getattr(module, "NAMES", {}).items():
            opts = apps.get_model(label)._meta
            opts.verbose_name, opts.verbose_name_plural = names.singular, names.plural
            for name, verbose_name in names.fields.items():
                opts.get_field(name).verbose_name = verbose_name
        for label, verbose_name in getattr(module, "APP_NAMES", {}).items():
            apps.get_app_config(label).verbose_name = verbose_name


@cache
def forms_by_app() -> dict[str, dict[str, Forms]]:
    """Each app's FORMS (its admin_grammar.py), by the declaring app's label."""
    return {label: module.FORMS for label, module in app_modules("admin_grammar")}


@cache
def declared_forms() -> dict[str, Forms]:
    """The forms of every declared model, by its label (its _meta.label_lower)."""
    found: dict[str, Forms] = {}
    for app, forms in forms_by_app().items():
        twice = found.keys() & forms.keys()
        if twice:
            raise ImproperlyConfigured(f"{app}.admin_grammar declares {sorted(twice)} again")
        found |= forms
    return found


def forms_of(opts: Options) -> Forms:
    """The forms of a model (its _meta); an unknown model keeps its nominative names."""
    known = declared_forms().get(opts.label_lower)
    if known:
        return known
    name, plural = opts.verbose_name or "", opts.verbose_name_plural or ""  # set once ready
    return Forms(name, name, plural)


def count_phrase(opts: Options, count: int) -> str:
    """'7 użytkowników': the number with the model's name in the form the number needs. The
    catalogue's plural rule picks the form: "one" and "other" in English; "one", "few" and
    "many" in Polish (1 użytkownik, 2 użytkownicy, 5 użytkowników)."""
    forms = forms_of(opts)
    names = {
        "one": opts.verbose_name,
        "few": forms.nominative_plural or opts.verbose_name_plural,
        "many": forms.genitive_plural,
        "other": opts.verbose_name_plural,
    }
    form = npgettext("plural form of a count", "one", "other", count)
    return f"{count} {names.get(form, opts.verbose_name_plural)}"


def permission_label(permission: Any) -> str:
    """A permission as the group and user forms list it: "Uchwały i głosowania | uchwały:
    dodawanie", not Django's stored English "… | Can add resolution". The model's plural
    nominative reads right for every model, also those with no declared forms."""
    model = permission.content_type.model_class()
    if model is None:
        return str(permission)
    action, _sep, model_name = permission.codename.partition("_")
    actions = {
        "add": pgettext("permission", "adding"),
        "change": pgettext("permission", "changing"),
        "delete": pgettext("permission", "deleting"),
        "view": pgettext("permission", "viewing"),
    }
    if action in actions and model_name == model._meta.model_name:
        what = f"{model._meta.verbose_name_plural}: {actions[action]}"
    else:
        what = gettext(permission.name)  # a model's own permission, named in its Meta
    return f"{model._meta.app_config.verbose_name} | {what}"


class PermissionsField(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return permission_label(obj)


class PolishAdminMixin(admin.ModelAdmin):
    """Titles and buttons of a ModelAdmin's pages with its model in the accusative, and
    permissions named in Polish."""

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.related_model._meta.label_lower == "auth.permission":
            kwargs.setdefault("form_class", PermissionsField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _grammar(self, extra_context: dict[str, Any] | None) -> dict[str, Any]:
        forms = forms_of(self.opts)
        return {
            "name_accusative": forms.accusative,
            "name_genitive": forms.genitive,
            **(extra_context or {}),
        }

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = self._grammar(extra_context)
        if "title" not in context and IS_POPUP_VAR not in request.GET:
            wording = (
                gettext("Select %s to change")
                if self.has_change_permission(request)
                else gettext("Select %s to view")
            )
            context["title"] = wording % context["name_accusative"]
        return super().changelist_view(request, context)

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = self._grammar(extra_context)
        context.setdefault("title", gettext("Add %s") % context["name_accusative"])
        return super().add_view(request, form_url, context)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        context = self._grammar(extra_context)
        if "title" not in context:
            obj = self.get_object(request, unquote(object_id))
            wording = (
                gettext("Change %s")
                if obj is None or self.has_change_permission(request, obj)
                else gettext("View %s")
            )
            context["title"] = wording % context["name_accusative"]
        return super().change_view(request, object_id, form_url, context)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return super().delete_view(request, object_id, self._grammar(extra_context))
