"""The resolutions' models in the cases the admin's phrases need
(core/admin_grammar.py)."""

from django.utils.translation import pgettext_lazy

from core.admin_grammar import Forms

FORMS = {
    "resolutions.communityvotingsettings": Forms(
        pgettext_lazy("accusative", "community voting settings"),
        pgettext_lazy("genitive", "community voting settings"),
        pgettext_lazy("genitive plural", "community voting settings"),
    ),
    "resolutions.sharepremises": Forms(
        pgettext_lazy("accusative", "premises in the share register"),
        pgettext_lazy("genitive", "premises in the share register"),
        pgettext_lazy("genitive plural", "share register"),
        pgettext_lazy("nominative plural", "share register"),
    ),
    "resolutions.ownership": Forms(
        pgettext_lazy("accusative", "ownership"),
        pgettext_lazy("genitive", "ownership"),
        pgettext_lazy("genitive plural", "ownerships"),
    ),
    "resolutions.attachment": Forms(
        pgettext_lazy("accusative", "attachment"),
        pgettext_lazy("genitive", "attachment"),
        pgettext_lazy("genitive plural", "attachments"),
    ),
    "resolutions.resolution": Forms(
        pgettext_lazy("accusative", "resolution"),
        pgettext_lazy("genitive", "resolution"),
        pgettext_lazy("genitive plural", "resolutions"),
    ),
    "resolutions.vote": Forms(
        pgettext_lazy("accusative", "vote (log)"),
        pgettext_lazy("genitive", "vote (log)"),
        pgettext_lazy("genitive plural", "votes (log)"),
    ),
    "resolutions.resultnotice": Forms(
        pgettext_lazy("accusative", "result notice"),
        pgettext_lazy("genitive", "result notice"),
        pgettext_lazy("genitive plural", "result notices"),
    ),
}
