"""Messaging's models in the cases the admin's phrases need
(core/admin_grammar.py)."""

from django.utils.translation import pgettext_lazy

from core.admin_grammar import Forms

FORMS = {
    "messaging.notification": Forms(
        pgettext_lazy("accusative", "notification"),
        pgettext_lazy("genitive", "notification"),
        pgettext_lazy("genitive plural", "notifications"),
    ),
    "messaging.notice": Forms(
        pgettext_lazy("accusative", "notice"),
        pgettext_lazy("genitive", "notice"),
        pgettext_lazy("genitive plural", "notices"),
    ),
    "messaging.noticeattachment": Forms(
        pgettext_lazy("accusative", "attachment"),
        pgettext_lazy("genitive", "attachment"),
        pgettext_lazy("genitive plural", "attachments"),
    ),
    "messaging.noticedelivery": Forms(
        pgettext_lazy("accusative", "notice delivery"),
        pgettext_lazy("genitive", "notice delivery"),
        pgettext_lazy("genitive plural", "notice deliveries"),
    ),
    "messaging.messagingpreference": Forms(
        pgettext_lazy("accusative", "messaging preference"),
        pgettext_lazy("genitive", "messaging preference"),
        pgettext_lazy("genitive plural", "messaging preferences"),
    ),
    "messaging.thread": Forms(
        pgettext_lazy("accusative", "message thread"),
        pgettext_lazy("genitive", "message thread"),
        pgettext_lazy("genitive plural", "message threads"),
    ),
    "messaging.threadmessage": Forms(
        pgettext_lazy("accusative", "message"),
        pgettext_lazy("genitive", "message"),
        pgettext_lazy("genitive plural", "messages"),
    ),
}
