"""Polish admin phrases in the right grammatical case and plural form.

Django's admin builds "Add %s", "Change %s", "Select %s to change" and "7 %s" from a model's
verbose name in the nominative, which Polish cannot use there ("Dodaj użytkownik", "7
użytkownicy"). Each model registered in admin has its accusative, genitive and genitive plural
here, as pgettext entries of its English name (English needs no change: the msgid is the
form). Counts take the catalogue's plural rule: 1 użytkownik, 2 użytkownicy, 5 użytkowników.
The admin site applies PolishAdminMixin to every ModelAdmin it registers."""

from dataclasses import dataclass

from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.utils.functional import Promise
from django.utils.translation import gettext, npgettext, pgettext_lazy


@dataclass(frozen=True)
class Forms:
    accusative: Promise
    genitive: Promise
    genitive_plural: Promise
    nominative_plural: Promise | None = None  # when the model's plural name is not one


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
    "billing.statementimport": Forms(
        pgettext_lazy("accusative", "bank statement import"),
        pgettext_lazy("genitive", "bank statement import"),
        pgettext_lazy("genitive plural", "bank statement imports"),
    ),
    "billing.statementline": Forms(
        pgettext_lazy("accusative", "bank statement line"),
        pgettext_lazy("genitive", "bank statement line"),
        pgettext_lazy("genitive plural", "bank statement lines"),
    ),
    "billing.certificate": Forms(
        pgettext_lazy("accusative", "certificate of no arrears"),
        pgettext_lazy("genitive", "certificate of no arrears"),
        pgettext_lazy("genitive plural", "certificates of no arrears"),
    ),
    "billing.invoice": Forms(
        pgettext_lazy("accusative", "invoice"),
        pgettext_lazy("genitive", "invoice"),
        pgettext_lazy("genitive plural", "invoices"),
    ),
    "billing.invoiceline": Forms(
        pgettext_lazy("accusative", "invoice line"),
        pgettext_lazy("genitive", "invoice line"),
        pgettext_lazy("genitive plural", "invoice lines"),
    ),
    "billing.invoiceratetotal": Forms(
        pgettext_lazy("accusative", "invoice total per VAT rate"),
        pgettext_lazy("genitive", "invoice total per VAT rate"),
        pgettext_lazy("genitive plural", "invoice totals per VAT rate"),
    ),
    "billing.component": Forms(
        pgettext_lazy("accusative", "fee component"),
        pgettext_lazy("genitive", "fee component"),
        pgettext_lazy("genitive plural", "fee components"),
    ),
    "billing.vatrule": Forms(
        pgettext_lazy("accusative", "VAT rule"),
        pgettext_lazy("genitive", "VAT rule"),
        pgettext_lazy("genitive plural", "VAT rules"),
    ),
    "billing.fee": Forms(
        pgettext_lazy("accusative", "fee"),
        pgettext_lazy("genitive", "fee"),
        pgettext_lazy("genitive plural", "fees"),
    ),
    "billing.paymentterms": Forms(
        pgettext_lazy("accusative", "payment terms"),
        pgettext_lazy("genitive", "payment terms"),
        pgettext_lazy("genitive plural", "payment terms"),
    ),
    "billing.interestrate": Forms(
        pgettext_lazy("accusative", "interest rate"),
        pgettext_lazy("genitive", "interest rate"),
        pgettext_lazy("genitive plural", "interest rates"),
    ),
    "billing.chargerun": Forms(
        pgettext_lazy("accusative", "charge run"),
        pgettext_lazy("genitive", "charge run"),
        pgettext_lazy("genitive plural", "charge runs"),
    ),
    "billing.charge": Forms(
        pgettext_lazy("accusative", "charge"),
        pgettext_lazy("genitive", "charge"),
        pgettext_lazy("genitive plural", "charges"),
    ),
    "billing.payment": Forms(
        pgettext_lazy("accusative", "payment"),
        pgettext_lazy("genitive", "payment"),
        pgettext_lazy("genitive plural", "payments"),
    ),
    "billing.watertariff": Forms(
        pgettext_lazy("accusative", "water tariff"),
        pgettext_lazy("genitive", "water tariff"),
        pgettext_lazy("genitive plural", "water tariffs"),
    ),
    "billing.settlementplan": Forms(
        pgettext_lazy("accusative", "water settlement plan"),
        pgettext_lazy("genitive", "water settlement plan"),
        pgettext_lazy("genitive plural", "water settlement plans"),
    ),
    "billing.settlementrun": Forms(
        pgettext_lazy("accusative", "water settlement run"),
        pgettext_lazy("genitive", "water settlement run"),
        pgettext_lazy("genitive plural", "water settlement runs"),
    ),
    "billing.settlement": Forms(
        pgettext_lazy("accusative", "water settlement"),
        pgettext_lazy("genitive", "water settlement"),
        pgettext_lazy("genitive plural", "water settlements"),
    ),
    "meters.meter": Forms(
        pgettext_lazy("accusative", "water meter"),
        pgettext_lazy("genitive", "water meter"),
        pgettext_lazy("genitive plural", "water meters"),
    ),
    "meters.reading": Forms(
        pgettext_lazy("accusative", "meter reading"),
        pgettext_lazy("genitive", "meter reading"),
        pgettext_lazy("genitive plural", "meter readings"),
    ),
    "meters.readingevent": Forms(
        pgettext_lazy("accusative", "reading event"),
        pgettext_lazy("genitive", "reading event"),
        pgettext_lazy("genitive plural", "reading events"),
    ),
    "meters.readingwindow": Forms(
        pgettext_lazy("accusative", "reading window"),
        pgettext_lazy("genitive", "reading window"),
        pgettext_lazy("genitive plural", "reading windows"),
    ),
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
    "audit.auditevent": Forms(
        pgettext_lazy("accusative", "audit event"),
        pgettext_lazy("genitive", "audit event"),
        pgettext_lazy("genitive plural", "audit events"),
    ),
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
    "privacy.dataexport": Forms(
        pgettext_lazy("accusative", "personal data export"),
        pgettext_lazy("genitive", "personal data export"),
        pgettext_lazy("genitive plural", "personal data exports"),
    ),
}


def forms_of(opts) -> Forms:
    """The forms of a model (its _meta); an unknown model keeps its nominative names."""
    known = FORMS.get(opts.label_lower)
    if known:
        return known
    return Forms(opts.verbose_name, opts.verbose_name, opts.verbose_name_plural)


def count_phrase(opts, count: int) -> str:
    """'7 użytkowników': the number with the model's name in the form the number needs. The
    catalogue's plural rule picks the form: "one" and "other" in English; "one", "few" and
    "many" in Polish (1 użytkownik, 2 użytkownicy, 5 użytkowników)."""
    forms = forms_of(opts)
    names = {
        "one": opts.verbose_name,
        "few": forms.nominative_plural or opts.verbose_name_plural,
        "many": forms.genitive_plural,
        "other": opts.verbose_name_plural,
    }
    form = npgettext("plural form of a count", "one", "other", count)
    return f"{count} {names.get(form, opts.verbose_name_plural)}"


class PolishAdminMixin(admin.ModelAdmin):
    """Titles and buttons of a ModelAdmin's pages with its model in the accusative."""

    def _grammar(self, extra_context):
        forms = forms_of(self.opts)
        return {
            "name_accusative": forms.accusative,
            "name_genitive": forms.genitive,
            **(extra_context or {}),
        }

    def changelist_view(self, request, extra_context=None):
        context = self._grammar(extra_context)
        if "title" not in context and IS_POPUP_VAR not in request.GET:
            wording = (
                gettext("Select %s to change")
                if self.has_change_permission(request)
                else gettext("Select %s to view")
            )
            context["title"] = wording % context["name_accusative"]
        return super().changelist_view(request, context)

    def add_view(self, request, form_url="", extra_context=None):
        context = self._grammar(extra_context)
        context.setdefault("title", gettext("Add %s") % context["name_accusative"])
        return super().add_view(request, form_url, context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = self._grammar(extra_context)
        if "title" not in context:
            obj = self.get_object(request, unquote(object_id))
            wording = (
                gettext("Change %s")
                if obj is None or self.has_change_permission(request, obj)
                else gettext("View %s")
            )
            context["title"] = wording % context["name_accusative"]
        return super().change_view(request, object_id, form_url, context)

    def delete_view(self, request, object_id, extra_context=None):
        return super().delete_view(request, object_id, self._grammar(extra_context))
