"""The register's models, and the login models it brings in from Django and allauth (groups,
e-mail addresses, sessions, authenticators), in the cases the admin's phrases need, and the
names allauth leaves in English (core/admin_grammar.py)."""

from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy

from core.admin_grammar import Forms, Names

NAMES = {
    "mfa.authenticator": Names(
        gettext_lazy("two-factor login method"),
        gettext_lazy("two-factor login methods"),
        {
            "user": gettext_lazy("user"),
            "type": gettext_lazy("kind"),
            "data": gettext_lazy("technical data"),
            "created_at": gettext_lazy("set up on"),
            "last_used_at": gettext_lazy("last used on"),
        },
    ),
    "usersessions.usersession": Names(
        gettext_lazy("login session"),
        gettext_lazy("login sessions"),
        {
            "user": gettext_lazy("user"),
            "created_at": gettext_lazy("logged in at"),
            "last_seen_at": gettext_lazy("last active at"),
            "ip": gettext_lazy("IP address"),
            "user_agent": gettext_lazy("browser"),
            "data": gettext_lazy("technical data"),
        },
    ),
}
APP_NAMES = {"mfa": gettext_lazy("Two-factor login")}
# allauth's kinds of authenticator, worded for BOK in our catalogue (which outranks allauth's).
AUTHENTICATOR_KINDS = (
    gettext_noop("TOTP Authenticator"),
    gettext_noop("Recovery codes"),
    gettext_noop("WebAuthn"),
)

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
        pgettext_lazy("accusative", "login session"),
        pgettext_lazy("genitive", "login session"),
        pgettext_lazy("genitive plural", "login sessions"),
    ),
    "mfa.authenticator": Forms(
        pgettext_lazy("accusative", "two-factor login method"),
        pgettext_lazy("genitive", "two-factor login method"),
        pgettext_lazy("genitive plural", "two-factor login methods"),
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
