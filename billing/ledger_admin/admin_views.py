"""Custom admin views for money: cash payments and corrections (Księgowość), the debtors list.

Each view checks a model permission: the Księgowość group has `add_payment` and `add_charge`,
BOK only `view_*`, so BOK gets 403 here. Writes go through billing.ledger.services; a refusal is
shown next to the form and nothing is stored. The services record the clerk's changes in the audit
log; the views record what a clerk read (an entry's correction page, the debtors list, its CSV).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Account, Community
from audit.services import Action, audit_read
from billing.ledger import services
from billing.ledger.balances import fold_corrections
from billing.ledger.models import Charge, Payment
from billing.ledger_admin.admin_forms import CashPaymentForm, CorrectionForm
from billing.ledger_admin.debtors import MUNICIPAL, debtors_csv, debtors_list


def _require(request, perm):
    if not request.user.has_perm(f"billing.{perm}"):
        raise PermissionDenied


def _context(model_admin, request, title, **extra):
    return {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        **extra,
    }


def _effective(entry, model):
    corrections = list(model.objects.filter(corrects=entry))
    (_original, amount), *_rest = fold_corrections([entry, *corrections])
    return amount, corrections


def cash_payment_view(model_admin, request):
    _require(request, "add_payment")
    initial = {"paid_on": timezone.localdate(), "account": request.GET.get("account", "")}
    form = CashPaymentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = services.payment_post(
                account=data["account"],
                amount=data["amount"],
                paid_on=data["paid_on"],
                method=Payment.Method.CASH,
                title=data["title"],
                payer=data["payer"],
                reason=data["reason"],
                clerk=request.user,
            )
        except services.BillingError as exc:
            form.add_error(None, exc.args[0])
        else:
            messages.success(
                request,
                _("Cash payment of %(amount)s zł posted to account %(number)s.")
                % {"amount": payment.amount, "number": payment.account.number},
            )
            return redirect("admin:billing_payment_change", payment.pk)
    return TemplateResponse(
        request,
        "admin/billing/money_form.html",
        _context(
            model_admin,
            request,
            _("Post a cash payment"),
            form=form,
            submit=_("Post the payment"),
            back_url=reverse("admin:billing_payment_changelist"),
        ),
    )


def _correct_view(model_admin, request, pk, model, correct, title, back):
    entry = get_object_or_404(model.objects.select_related("account"), pk=pk)
    if entry.corrects_id:
        return redirect(back, entry.corrects_id)
    amount, corrections = _effective(entry, model)
    if request.method == "GET":
        audit_read(request, gettext_noop("Correction form"), obj=entry)
    form = CorrectionForm(request.POST or None, initial={"new_amount": amount})
    if request.method == "POST" and form.is_valid():
        try:
            correction = correct(
                entry,
                new_amount=form.cleaned_data["new_amount"],
                reason=form.cleaned_data["reason"],
                clerk=request.user,
            )
        except services.BillingError as exc:
            form.add_error("new_amount", exc.args[0])
        else:
            messages.success(
                request,
                _("Correction of %(amount)s zł posted.") % {"amount": correction.amount},
            )
            return redirect(back, entry.pk)
    return TemplateResponse(
        request,
        "admin/billing/money_form.html",
        _context(
            model_admin,
            request,
            title,
            form=form,
            entry=entry,
            current_amount=amount,
            corrections=corrections,
            submit=_("Post the correction"),
            back_url=reverse(back, args=[entry.pk]),
        ),
    )


def charge_correct_view(model_admin, request, pk):
    _require(request, "add_charge")
    return _correct_view(
        model_admin,
        request,
        pk,
        Charge,
        lambda e, **kw: services.charge_correct(charge=e, **kw),
        _("Correct a charge"),
        "admin:billing_charge_change",
    )


def payment_correct_view(model_admin, request, pk):
    _require(request, "add_payment")
    return _correct_view(
        model_admin,
        request,
        pk,
        Payment,
        lambda e, **kw: services.payment_correct(payment=e, **kw),
        _("Correct a payment"),
        "admin:billing_payment_change",
    )


CSV_HEADER = [
    gettext_noop("Account number"),
    gettext_noop("Holder"),
    gettext_noop("Premises"),
    gettext_noop("Total owed (zł)"),
    gettext_noop("Overdue (zł)"),
    gettext_noop("Oldest overdue due date"),
    gettext_noop("Age (days)"),
]


def _creditors():
    return [(MUNICIPAL, _("Municipal stock"))] + [
        (str(pk), name) for pk, name in Community.objects.values_list("pk", "name")
    ]


def debtors_view(model_admin, request, as_csv=False):
    _require(request, "view_charge")
    creditors = _creditors()
    creditor = request.GET.get("creditor") or None
    if creditor not in {key for key, _label in creditors}:
        creditor = None
    debtors = debtors_list(today=timezone.localdate(), creditor=creditor)
    audit_read(
        request,
        gettext_noop("Debtors list (CSV)") if as_csv else gettext_noop("Debtors list"),
        model=Account,
        action=Action.EXPORT if as_csv else Action.VIEW,
        creditor=creditor or "",
        rows=len(debtors.rows),
        **({} if as_csv else {"page": request.GET.get("p") or "1"}),
    )
    if as_csv:
        response = HttpResponse(
            debtors_csv(debtors, [_(h) for h in CSV_HEADER]), content_type="text/csv; charset=utf-8"
        )
        name = f"dluznicy-{debtors.today:%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    page = Paginator(debtors.rows, 100).get_page(request.GET.get("p"))
    return TemplateResponse(
        request,
        "admin/billing/debtors.html",
        _context(
            model_admin,
            request,
            _("Debtors"),
            debtors=debtors,
            page=page,
            creditors=creditors,
            creditor=creditor or "",
            query=f"?creditor={creditor}" if creditor else "",
        ),
    )
