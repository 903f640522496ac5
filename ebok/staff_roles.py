"""What each staff group may do: one table, applied after every `migrate` (and after a test
database is flushed), so a group has exactly these permissions, no more, no fewer. A new
permission is granted by adding it here, not by a data migration.

BOK serves residents: the register and logins, meters, faults, notices, every topic of the
residents' letters, resolutions and votes, accessibility requests; it sees money read-only.
Księgowość keeps the money: fee schedules, charge runs, cash payments and corrections, bank
statements, invoices; it reads the register, and of the residents' letters only those about
fees and payments (messaging.view_all_threads is BOK's). Superusers have every permission."""

from django.apps import apps as global_apps
from django.db.models.signals import post_migrate

from accounts.roles import ACCOUNTING, BOK


def _crud(models, actions=("add", "change", "view")):
    return [f"{action}_{model}" for model in models for action in actions]


REGISTER = ["community", "building", "premises", "account", "accountaccess", "user"]
MONEY_VIEW = [
    "view_component",
    "view_vatrule",
    "view_fee",
    "view_paymentterms",
    "view_chargerun",
    "view_charge",
    "view_payment",
    "view_interestrate",
    "view_statementimport",
    "view_statementline",
    "view_invoice",
    "view_certificate",
    "change_certificate",
    "view_watertariff",
    "view_settlementplan",
    "view_settlementrun",
    "view_settlement",
    "view_settlementjob",
]

ROLES = {
    BOK: {
        "accounts": _crud(REGISTER)
        + [
            "view_identitycheck",
            "view_credentialissue",
            "add_credentialissue",
            "view_consent",
            "view_emailchange",
            "view_securitynotice",
        ],
        "billing": MONEY_VIEW,
        "meters": _crud(["meter", "reading", "readingwindow"])
        + ["delete_readingwindow", "view_readingevent"],
        "faults": [
            "view_faultreport",
            "add_faultreport",
            "change_faultreport",
            "view_faultevent",
            "view_faultphoto",
        ],
        "messaging": _crud(["notice", "noticeattachment"])
        + [
            "delete_notice",
            "delete_noticeattachment",
            "view_noticedelivery",
            "view_notification",
            "view_thread",
            "add_thread",
            "change_thread",
            "view_all_threads",
            "add_threadmessage",
            "view_threadmessage",
            "view_messagingpreference",
        ],
        "resolutions": _crud(["resolution", "attachment", "ownership", "communityvotingsettings"])
        + [
            "delete_attachment",
            "delete_ownership",
            "delete_resolution",
            "view_sharepremises",
            "change_sharepremises",
            "view_vote",
            "add_vote",
            "view_ballot",
            "view_resultnotice",
            "change_resultnotice",
        ],
        "accessibility": [
            "view_accessibilitystatement",
            "add_accessibilitystatement",
            "change_accessibilitystatement",
            "view_accessibilityrequest",
            "change_accessibilityrequest",
            "view_requestemail",
        ],
        "privacy": ["view_dataexport"],
    },
    ACCOUNTING: {
        "accounts": [f"view_{model}" for model in REGISTER],
        "billing": MONEY_VIEW
        + _crud(["component", "vatrule", "fee", "paymentterms", "interestrate"], ("add", "change"))
        + ["delete_vatrule"]
        + _crud(["watertariff", "settlementplan"], ("add", "change"))
        + [
            "add_chargerun",
            "add_charge",
            "add_payment",
            "add_statementimport",
            "change_statementline",
            "add_invoice",
            "add_settlementrun",
            "change_settlementrun",
            "add_settlement",
        ],
        "messaging": [
            "view_notice",
            "view_noticedelivery",
            "view_notification",
            "view_thread",
            "view_threadmessage",
        ],
    },
}


def roles_apply(apps=global_apps, using="default"):
    """Make each group's permissions exactly those of the table; an unknown name is an error."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, by_app in ROLES.items():
        wanted = []
        for app_label, codenames in by_app.items():
            found = permission_model.objects.using(using).filter(
                content_type__app_label=app_label, codename__in=codenames
            )
            missing = set(codenames) - {p.codename for p in found}
            if missing:
                raise LookupError(f"{name}: unknown permissions of {app_label}: {sorted(missing)}")
            wanted += list(found)
        group, _created = group_model.objects.using(using).get_or_create(name=name)
        group.permissions.set(wanted)


def _after_migrate(sender, using="default", **kwargs):
    # post_migrate comes once for each app with models; by the last one every app's
    # permissions exist.
    last = [config for config in global_apps.get_app_configs() if config.models_module][-1]
    if sender is last:
        roles_apply(using=using)


def connect():
    post_migrate.connect(_after_migrate, dispatch_uid="ebok_staff_roles")
