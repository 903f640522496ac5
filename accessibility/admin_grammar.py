"""The accessibility models in the cases the admin's phrases need
(core/admin_grammar.py)."""

from django.utils.translation import pgettext_lazy

from core.admin_grammar import Forms

FORMS = {
    "accessibility.accessibilitystatement": Forms(
        pgettext_lazy("accusative", "accessibility statement"),
        pgettext_lazy("genitive", "accessibility statement"),
        pgettext_lazy("genitive plural", "accessibility statements"),
    ),
    "accessibility.accessibilityrequest": Forms(
        pgettext_lazy("accusative", "accessibility request"),
        pgettext_lazy("genitive", "accessibility request"),
        pgettext_lazy("genitive plural", "accessibility requests"),
    ),
    "accessibility.requestemail": Forms(
        pgettext_lazy("accusative", "e-mail to the requester"),
        pgettext_lazy("genitive", "e-mail to the requester"),
        pgettext_lazy("genitive plural", "e-mails to the requester"),
    ),
}
