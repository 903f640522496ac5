"""The fault reports' models in the cases the admin's phrases need
(core/admin_grammar.py)."""

from django.utils.translation import pgettext_lazy

from core.admin_grammar import Forms

FORMS = {
    "faults.faultreport": Forms(
        pgettext_lazy("accusative", "fault report"),
        pgettext_lazy("genitive", "fault report"),
        pgettext_lazy("genitive plural", "fault reports"),
    ),
    "faults.faultphoto": Forms(
        pgettext_lazy("accusative", "fault photo"),
        pgettext_lazy("genitive", "fault photo"),
        pgettext_lazy("genitive plural", "fault photos"),
    ),
    "faults.faultevent": Forms(
        pgettext_lazy("accusative", "fault report event"),
        pgettext_lazy("genitive", "fault report event"),
        pgettext_lazy("genitive plural", "fault report events"),
    ),
}
