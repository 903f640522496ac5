"""The register's models, and the login models it brings in from Django and allauth (groups,
e-mail addresses, sessions, authenticators), in the cases the admin's phrases need
(core/admin_grammar.py)."""

from django.utils.translation import pgettext_lazy

from core.admin_grammar import Forms

FORMS = {
    "auth.group": Forms(
        pgettext_lazy("accusative", "group"),
        pgettext_lazy("genitive", "group"),
        pgettext_lazy("genitive plural", "groups"),
    ),
    "account.emailaddress": Forms(
        pgettext_lazy("accusative", "email address"),
        pgettext_lazy("genitive", "email address"),
        pgettext_lazy("genitive plural", "email addresses"),
    ),
    "usersessions.usersession": Forms(
        pgettext_lazy("accusative", "user session"),
        pgettext_lazy("genitive", "user session"),
        pgettext_lazy("genitive plural", "user sessions"),
    ),
    "mfa.authenticator": Forms(
        pgettext_lazy("accusative", "authenticator"),
        pgettext_lazy("genitive", "authenticator"),
        pgettext_lazy("genitive plural", "authenticators"),
    ),
    "accounts.user": Forms(
        pgettext_lazy("accusative", "user"),
        pgettext_lazy("genitive", "user"),
        pgettext_lazy("genitive plural", "users"),
    ),
    "accounts.community": Forms(
        pgettext_lazy("accusative", "housing community"),
        pgettext_lazy("genitive", "housing community"),
        pgettext_lazy("genitive plural", "housing communities"),
    ),
    "accounts.building": Forms(
        pgettext_lazy("accusative", "building"),
        pgettext_lazy("genitive", "building"),
        pgettext_lazy("genitive plural", "buildings"),
    ),
    "accounts.premises": Forms(
        pgettext_lazy("accusative", "premises"),
        pgettext_lazy("genitive", "premises"),
        pgettext_lazy("genitive plural", "premises"),
    ),
    "accounts.accountaccess": Forms(
        pgettext_lazy("accusative", "account access"),
        pgettext_lazy("genitive", "account access"),
        pgettext_lazy("genitive plural", "account accesses"),
    ),
    "accounts.identitycheck": Forms(
        pgettext_lazy("accusative", "identity check"),
        pgettext_lazy("genitive", "identity check"),
        pgettext_lazy("genitive plural", "identity checks"),
    ),
    "accounts.credentialissue": Forms(
        pgettext_lazy("accusative", "credential issue"),
        pgettext_lazy("genitive", "credential issue"),
        pgettext_lazy("genitive plural", "credential issues"),
    ),
    "accounts.securitynotice": Forms(
        pgettext_lazy("accusative", "security notice"),
        pgettext_lazy("genitive", "security notice"),
        pgettext_lazy("genitive plural", "security notices"),
    ),
    "accounts.account": Forms(
        pgettext_lazy("accusative", "customer account"),
        pgettext_lazy("genitive", "customer account"),
        pgettext_lazy("genitive plural", "customer accounts"),
    ),
}
