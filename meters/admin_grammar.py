"""The meters' models in the cases the admin's phrases need
(core/admin_grammar.py)."""

from django.utils.translation import pgettext_lazy

from core.admin_grammar import Forms

FORMS = {
    "meters.meter": Forms(
        pgettext_lazy("accusative", "water meter"),
        pgettext_lazy("genitive", "water meter"),
        pgettext_lazy("genitive plural", "water meters"),
    ),
    "meters.reading": Forms(
        pgettext_lazy("accusative", "meter reading"),
        pgettext_lazy("genitive", "meter reading"),
        pgettext_lazy("genitive plural", "meter readings"),
    ),
    "meters.readingevent": Forms(
        pgettext_lazy("accusative", "reading event"),
        pgettext_lazy("genitive", "reading event"),
        pgettext_lazy("genitive plural", "reading events"),
    ),
    "meters.readingwindow": Forms(
        pgettext_lazy("accusative", "reading window"),
        pgettext_lazy("genitive", "reading window"),
        pgettext_lazy("genitive plural", "reading windows"),
    ),
}
