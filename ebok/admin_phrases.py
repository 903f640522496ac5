"""Django admin's messages whose Polish agrees with a model's gender ("został(a)(-ło)
dodany(-na)(-ne)") or needs a case Django cannot give. Listed here so that our catalogue
translates them in impersonal forms that fit every model ("Dodano: …"); Django's own catalogue
is used for everything else."""

from django.utils.translation import gettext_noop, ngettext_lazy

PHRASES = [
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
    gettext_noop("Add another %(verbose_name)s"),
    gettext_noop("Successfully deleted %(count)d %(items)s."),
    gettext_noop("%(name)s with ID “%(key)s” doesn’t exist. Perhaps it was deleted?"),
    gettext_noop("Delete selected %(verbose_name_plural)s"),
    gettext_noop("Select all %(total_count)s %(module_name)s"),
    gettext_noop(
        "Deleting the selected %(objects_name)s would result in deleting related objects, but "
        "your account doesn't have permission to delete the following types of objects:"
    ),
    gettext_noop(
        "Deleting the selected %(objects_name)s would require deleting the following protected "
        "related objects:"
    ),
    gettext_noop(
        "Are you sure you want to delete the selected %(objects_name)s? All of the following "
        "objects and their related items will be deleted:"
    ),
    gettext_noop("Add another %(model)s"),
    gettext_noop("View selected %(model)s"),
    gettext_noop("Change selected %(model)s"),
    gettext_noop("Delete selected %(model)s"),
    gettext_noop("In case you’ve forgotten, you are:"),
    ngettext_lazy(
        "%(count)s %(name)s was changed successfully.",
        "%(count)s %(name)s were changed successfully.",
        "count",
    ),
    # allauth's models, which it does not translate into Polish
    gettext_noop("user session"),
    gettext_noop("user sessions"),
    gettext_noop("authenticator"),
    gettext_noop("authenticators"),
]
