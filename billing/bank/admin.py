"""Bank statement import in admin: upload, progress, the queue of unmatched lines.

Księgowość uploads statements and books the lines left unmatched (add_statementimport,
change_statementline); BOK only looks (the view permissions).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from billing.bank.creditors import Creditors
from billing.bank.formats import StatementFormatError
from billing.bank.matching import AccountLookup
from billing.bank.models import StatementImport, StatementLine
from billing.bank.services import statement_line_assign, statement_line_ignore, statement_upload
from billing.ledger.services import BillingError
from core.inputs import parse_decimal


class StatementUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Bank statement file"),
        help_text=_(
            "MT940 (.sta, .mt940, .txt) or mBank's CSV export of operations; UTF-8, "
            "Windows-1250, ISO-8859-2 or CP852."
        ),
    )


class AssignForm(forms.Form):
    account_number = forms.CharField(label=_("Account number"), max_length=20)

    def clean_account_number(self):
        number = self.cleaned_data["account_number"].strip().replace(" ", "")
        account = Account.objects.filter(number=number).first()
        if account is None and number.isascii() and number.isdigit():
            # typed without the leading zeros, or with too many
            same = Account.objects.filter(number__regex=rf"^0*{number.lstrip('0')}$")
            account = same.first() if len(same) == 1 else None
        if account is None:
            raise forms.ValidationError(
                _("No customer account has the number “%(number)s”."), params={"number": number}
            )
        self.cleaned_data["account"] = account
        return number


class IgnoreForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is not a payment"),
        max_length=300,
        help_text=_("E.g. a refund from a supplier, a transfer between our own accounts."),
    )


@admin.register(StatementImport)
class StatementImportAdmin(admin.ModelAdmin):
    audit_lists = False  # a list page shows no residents' data
    list_display = [
        "original_name",
        "uploaded_at",
        "uploaded_by",
        "status",
        "file_format",
        "progress",
        "lines_new",
        "lines_duplicate",
        "lines_matched",
        "waiting",
    ]
    list_filter = ["status", "file_format"]
    search_fields = ["original_name"]
    date_hierarchy = "uploaded_at"
    list_select_related = ["uploaded_by"]
    fields = (
        "original_name",
        "status",
        "error",
        "file_format",
        "encoding",
        "uploaded_by",
        "uploaded_at",
        "started_at",
        "finished_at",
        "lines_total",
        "lines_done",
        "lines_new",
        "lines_duplicate",
        "lines_matched",
    )
    readonly_fields = fields
    change_form_template = "admin/billing/statementimport/change_form.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                waiting_count=Count("lines", filter=Q(lines__status=StatementLine.Status.UNMATCHED))
            )
        )

    @admin.display(description=_("progress"))
    def progress(self, obj):
        return f"{obj.lines_done} / {obj.lines_total}"

    @admin.display(description=_("waiting for a clerk"), ordering="waiting_count")
    def waiting(self, obj):
        return obj.waiting_count

    def has_change_permission(self, request, obj=None):
        return False  # a job's record: read-only for everybody

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        """The upload: store the file, read and book it in the background."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = StatementUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                statement = statement_upload(file=form.cleaned_data["file"], clerk=request.user)
            except StatementFormatError as error:
                form.add_error("file", str(error))
            else:
                messages.success(
                    request,
                    _(
                        "The file is stored and waits for a worker to import it; this page "
                        "shows how far it got."
                    ),
                )
                return redirect("admin:billing_statementimport_change", statement.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import a bank statement"),
            "form": form,
            "opts": self.model._meta,
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, "admin/billing/statementimport/upload.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        statement = self.get_object(request, object_id)
        extra = {}
        if statement is not None:
            counts = dict(
                statement.lines.values_list("status").annotate(n=Count("pk")).order_by()
            )
            extra = {
                "statement": statement,
                "running": statement.status
                in (StatementImport.Status.PENDING, StatementImport.Status.RUNNING),
                "booked": counts.get(StatementLine.Status.MATCHED, 0),
                "waiting": counts.get(StatementLine.Status.UNMATCHED, 0),
                "status_counts": [
                    (status, label, counts.get(status, 0))
                    for status, label in StatementLine.Status.choices
                ],
                "lines_url": reverse("admin:billing_statementline_changelist")
                + f"?statement__id__exact={statement.pk}",
            }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})


@admin.register(StatementLine)
class StatementLineAdmin(admin.ModelAdmin):
    list_display = [
        "booked_on",
        "amount",
        "title",
        "counterparty_name",
        "status",
        "account",
        "matched_by",
    ]
    list_filter = ["status", "matched_by", ("statement", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "counterparty_name", "counterparty_account", "bank_reference"]
    date_hierarchy = "booked_on"
    list_select_related = ["account"]
    fields = (
        "statement",
        "booked_on",
        "amount",
        "title",
        "counterparty_name",
        "counterparty_account",
        "virtual_account",
        "bank_account",
        "bank_reference",
        "status",
        "hold_reason",
        "account",
        "matched_by",
        "assigned_by",
        "assigned_at",
        "ignore_reason",
    )
    readonly_fields = fields
    change_form_template = "admin/billing/statementline/change_form.html"

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        amount = parse_decimal(search_term.strip().removesuffix("zł").strip())
        exponent = amount.as_tuple().exponent if amount is not None else "n"
        if isinstance(exponent, int) and exponent >= -2:
            queryset |= self.get_queryset(request).filter(amount=amount)
        return queryset, may_have_duplicates

    def has_add_permission(self, request):
        return False  # lines come from statements only

    def has_delete_permission(self, request, obj=None):
        return False

    def can_book(self, request):
        return request.user.has_perm("billing.change_statementline")

    def get_urls(self):
        return [
            path(
                "<int:pk>/assign/",
                self.admin_site.admin_view(self.assign_view),
                name="billing_statementline_assign",
            ),
            path(
                "<int:pk>/ignore/",
                self.admin_site.admin_view(self.ignore_view),
                name="billing_statementline_ignore",
            ),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            raise PermissionDenied  # booking goes through the assign and ignore forms
        line = self.get_object(request, object_id)
        extra = {}
        if line is not None:
            extra = self._booking_context(request, line, AssignForm(), IgnoreForm())
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def _booking_context(self, request, line, assign_form, ignore_form):
        waiting = line.status == StatementLine.Status.UNMATCHED
        hints = []
        if waiting and self.can_book(request):
            lookup = AccountLookup.load()
            creditor = Creditors.load().of(line.bank_account) if line.bank_account else None
            if creditor is not None:
                lookup = lookup.for_creditor(creditor)
            found = lookup.candidates(line.title)
            hints = list(Account.objects.filter(pk__in=found).order_by("number")[:5])
        return {
            "line": line,
            "can_book": waiting and self.can_book(request),
            "assign_form": assign_form,
            "ignore_form": ignore_form,
            "hints": hints,
        }

    def _line_or_403(self, request, pk):
        if request.method != "POST" or not self.can_book(request):
            raise PermissionDenied
        return get_object_or_404(StatementLine, pk=pk)

    def _rerender(self, request, line, assign_form, ignore_form):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Bank statement line"),
            "opts": self.model._meta,
            "original": line,
            **self._booking_context(request, line, assign_form, ignore_form),
        }
        return TemplateResponse(
            request, "admin/billing/statementline/book.html", context, status=400
        )

    def assign_view(self, request, pk):
        line = self._line_or_403(request, pk)
        form = AssignForm(request.POST)
        if form.is_valid():
            account = form.cleaned_data["account"]
            try:
                statement_line_assign(line=line, account=account, clerk=request.user)
            except BillingError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("The transfer was booked to account %(number)s.")
                    % {"number": account.number},
                )
                return redirect(self._queue_url())
        return self._rerender(request, line, form, IgnoreForm())

    def ignore_view(self, request, pk):
        line = self._line_or_403(request, pk)
        form = IgnoreForm(request.POST)
        if form.is_valid():
            try:
                statement_line_ignore(
                    line=line, clerk=request.user, reason=form.cleaned_data["reason"]
                )
            except BillingError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The transfer was marked as not a payment."))
                return redirect(self._queue_url())
        return self._rerender(request, line, AssignForm(), form)

    def _queue_url(self):
        return (
            reverse("admin:billing_statementline_changelist")
            + f"?status__exact={StatementLine.Status.UNMATCHED}"
        )
