"""The personal data export's model in the cases the admin's phrases need
(core/admin_grammar.py)."""

from django.utils.translation import pgettext_lazy

from core.admin_grammar import Forms

FORMS = {
    "privacy.dataexport": Forms(
        pgettext_lazy("accusative", "personal data export"),
        pgettext_lazy("genitive", "personal data export"),
        pgettext_lazy("genitive plural", "personal data exports"),
    ),
}
