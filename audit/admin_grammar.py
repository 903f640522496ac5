"""The audit's model in the cases the admin's phrases need
(core/admin_grammar.py)."""

from django.utils.translation import pgettext_lazy

from core.admin_grammar import Forms

FORMS = {
    "audit.auditevent": Forms(
        pgettext_lazy("accusative", "audit event"),
        pgettext_lazy("genitive", "audit event"),
        pgettext_lazy("genitive plural", "audit events"),
    ),
}
