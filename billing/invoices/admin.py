"""Invoices in Django admin: read-only (an issued invoice is never changed or deleted), with a
form to issue a month's invoices, a correction form, and actions to send again and to render
missing PDFs. Issuing and correcting need `billing.add_invoice` (Księgowość). The services record
issues, corrections and resends in the audit log; the views record reads of a correction page
and PDF downloads."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.models import Account
from audit.services import Action, audit_read
from billing.invoices import vat as invoice_vat
from billing.invoices.models import Invoice, InvoiceLine, InvoiceRateTotal, InvoiceXml
from billing.invoices.pdf import filename_of, xml_filename_of
from billing.invoices.services import (
    InvoiceError,
    current_lines,
    invoice_correct,
    invoice_issue_for_month,
    invoice_resend,
    invoices_issue_for_month,
    invoices_ksef_queue,
    invoices_ksef_rebuild,
    invoices_pdf_request,
)
from billing.ledger.models import VatRate
from core.downloads import download_view
from core.formats import format_day
from core.inputs import MoneyField, MonthField
from core.pdf_jobs import stored_pdf_or_again


class InvoiceIssueForm(forms.Form):
    period = MonthField(label=_("Month"), help_text=_("The month whose charges are invoiced."))
    account = forms.ModelChoiceField(
        label=_("Account"),
        queryset=Account.objects.all(),
        required=False,
        help_text=_(
            "Leave empty to invoice every commercial lease not invoiced for the month. Any "
            "other account is invoiced on request only: pick it when its holder asked for an "
            "invoice."
        ),
    )


class InvoiceCorrectionForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the correction"), max_length=500)

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for index, line in enumerate(lines):
            self.fields[f"line_{index}"] = MoneyField(
                label=f"{line.description} ({line.get_vat_rate_display()})",
                initial=line.gross,
                min_value=0,
                help_text=_("Gross amount (zł) after the correction; 0 removes the line."),
            )

    def lines_after(self):
        return [
            invoice_vat.Line(
                description=line.description,
                quantity=line.quantity,
                unit=line.unit,
                gross=self.cleaned_data[f"line_{index}"],
                vat_rate=line.vat_rate,
                charge_id=line.charge_id,
            )
            for index, line in enumerate(self.lines)
            if self.cleaned_data[f"line_{index}"] > 0
        ]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class InvoiceLineInline(ReadOnlyInline):
    model = InvoiceLine
    fields = (
        "state",
        "position",
        "description",
        "quantity",
        "unit",
        "unit_net_price",
        "net_value",
        "vat_rate",
        "vat_amount",
        "gross_value",
        "rounding",
        "charge",
    )
    readonly_fields = fields


class InvoiceRateTotalInline(ReadOnlyInline):
    model = InvoiceRateTotal
    fields = ("state", "vat_rate", "net", "vat", "gross")
    readonly_fields = fields


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "kind",
        "seller_name",
        "account",
        "period_display",
        "issue_date",
        "due_date",
        "gross_total",
        "ksef_display",
        "pdf_status",
        "notified_at",
    ]
    list_filter = ["kind", "seller_nip", "ksef_status", "pdf_status", "period", "issue_date"]
    search_fields = ["number", "account__number", "buyer_name", "buyer_nip", "seller_nip"]
    list_select_related = ["account"]
    inlines = [InvoiceLineInline, InvoiceRateTotalInline]
    actions = ["send_again", "render_missing_pdfs", "send_to_ksef", "rebuild_for_ksef"]
    change_list_template = "admin/billing/invoice/change_list.html"
    exclude = ["pdf_file"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "pdf_file"] + [
            "pdf_link",
            "fa3_links",
        ]

    @admin.display(description=_("KSeF"), ordering="ksef_status")
    def ksef_display(self, obj):
        if obj.ksef_status == Invoice.KsefStatus.ACCEPTED:
            return obj.ksef_number
        if obj.ksef_status == Invoice.KsefStatus.OFFLINE and obj.offline_until:
            return _("%(status)s — by %(day)s") % {
                "status": obj.get_ksef_status_display(),
                "day": format_day(obj.offline_until),
            }
        return obj.get_ksef_status_display()

    @admin.display(description=_("FA(3) XML and UPO"))
    def fa3_links(self, obj):
        document = InvoiceXml.objects.filter(invoice=obj).first()
        links = []
        if document and document.xml:
            links.append((reverse("admin:billing_invoice_xml", args=[obj.pk]), _("FA(3) XML")))
        if document and document.upo:
            links.append((reverse("admin:billing_invoice_upo", args=[obj.pk]), _("UPO receipt")))
        if not links:
            return "—"
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    @admin.display(description=_("month"), ordering="period")
    def period_display(self, obj):
        return f"{obj.period:%m/%Y}"

    @admin.display(description=_("PDF file"))
    def pdf_link(self, obj):
        if obj.pdf_status != Invoice.PdfStatus.DONE:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:billing_invoice_pdf", args=[obj.pk]),
            _("Download"),
        )

    def has_add_permission(self, request):
        return False  # issued by the issue form or the charge run, never typed in

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def may_issue(self, request):
        return request.user.has_perm("billing.add_invoice")

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("issue/", wrap(self.issue_view), name="billing_invoice_issue"),
            path("<int:pk>/correct/", wrap(self.correct_view), name="billing_invoice_correct"),
            path("<int:pk>/pdf/", wrap(download_view(self.pdf_view)), name="billing_invoice_pdf"),
            path(
                "<int:pk>/fa3.xml", wrap(download_view(self.xml_view)), name="billing_invoice_xml"
            ),
            path(
                "<int:pk>/upo.xml", wrap(download_view(self.upo_view)), name="billing_invoice_upo"
            ),
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        offline = Invoice.objects.filter(ksef_status=Invoice.KsefStatus.OFFLINE)
        extra_context = {
            **(extra_context or {}),
            "may_issue": self.may_issue(request),
            "offline_count": offline.count(),
            "offline_first_deadline": offline.order_by("offline_until")
            .values_list("offline_until", flat=True)
            .first(),
            "ksef_refused_count": Invoice.objects.filter(
                ksef_status__in=[Invoice.KsefStatus.INVALID, Invoice.KsefStatus.REJECTED]
            ).count(),
        }
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, *args, **kwargs):
        obj = context.get("original")
        context["may_correct"] = bool(obj and not obj.is_correction and self.may_issue(request))
        return super().render_change_form(request, context, *args, **kwargs)

    def _form_page(self, request, form, title, submit):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "form": form,
            "submit": submit,
            "back_url": reverse("admin:billing_invoice_changelist"),
        }
        return TemplateResponse(request, "admin/billing/money_form.html", context)

    def issue_view(self, request):
        if not self.may_issue(request):
            raise PermissionDenied
        form = InvoiceIssueForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            period, account = form.cleaned_data["period"], form.cleaned_data["account"]
            if account is not None:
                try:
                    invoice = invoice_issue_for_month(
                        account=account,
                        period=period,
                        clerk=request.user,
                        on_request=account.kind != Account.Kind.COMMERCIAL_LEASE,
                    )
                except InvoiceError as exc:
                    form.add_error("account", str(exc))
                else:
                    self.message_user(request, _("Invoice %(n)s.") % {"n": invoice.number})
                    return redirect("admin:billing_invoice_change", invoice.pk)
            else:
                issued, refused = invoices_issue_for_month(period=period, clerk=request.user)
                self.message_user(request, _("Issued %(n)d invoice(s).") % {"n": issued})
                for message in refused:
                    self.message_user(request, message, messages.WARNING)
                return redirect("admin:billing_invoice_changelist")
        return self._form_page(request, form, _("Issue invoices"), _("Issue"))

    def correct_view(self, request, pk):
        if not self.may_issue(request):
            raise PermissionDenied
        invoice = get_object_or_404(Invoice, pk=pk)
        if request.method == "GET":
            audit_read(request, gettext_noop("Correction form"), obj=invoice)
        lines = current_lines(invoice)
        form = InvoiceCorrectionForm(request.POST or None, lines=[_Describe(x) for x in lines])
        if request.method == "POST" and form.is_valid():
            try:
                correction = invoice_correct(
                    invoice=invoice,
                    lines_after=form.lines_after(),
                    reason=form.cleaned_data["reason"],
                    clerk=request.user,
                )
            except InvoiceError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(
                    request, _("Correcting invoice %(n)s.") % {"n": correction.number}
                )
                return redirect("admin:billing_invoice_change", correction.pk)
        title = _("Correct invoice %(n)s") % {"n": invoice.number}
        return self._form_page(request, form, title, _("Issue the correcting invoice"))

    def pdf_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        invoice = get_object_or_404(Invoice, pk=pk)
        # Not drawn yet, failed, or its file gone (a restore without media): queued again.
        response = stored_pdf_or_again(
            invoice, filename_of(invoice), lambda: invoices_pdf_request(invoice_ids=[invoice.pk])
        )
        if response is None:
            self.message_user(
                request, _("The PDF is being prepared. Try again in a minute."), messages.INFO
            )
            return redirect("admin:billing_invoice_change", invoice.pk)
        audit_read(request, gettext_noop("Invoice PDF"), obj=invoice, action=Action.EXPORT)
        return response

    def _document(self, request, pk, field, name, label):
        if not self.has_view_permission(request):
            raise PermissionDenied
        document = get_object_or_404(InvoiceXml.objects.select_related("invoice"), invoice_id=pk)
        content = getattr(document, field)
        if not content:
            raise Http404
        response = HttpResponse(bytes(content), content_type="application/xml")
        response["Content-Disposition"] = f'attachment; filename="{name(document.invoice)}"'
        audit_read(request, label, obj=document.invoice, action=Action.EXPORT)
        return response

    def xml_view(self, request, pk):
        return self._document(request, pk, "xml", xml_filename_of, gettext_noop("FA(3) XML"))

    def upo_view(self, request, pk):
        return self._document(
            request, pk, "upo", lambda i: xml_filename_of(i, "upo"), gettext_noop("UPO receipt")
        )

    @admin.action(description=_("Send to KSeF now"))
    def send_to_ksef(self, request, queryset):
        queued = invoices_ksef_queue(
            invoice_ids=queryset.values_list("pk", flat=True), clerk=request.user
        )
        self.message_user(request, _("Invoices queued for KSeF: %(n)d.") % {"n": queued})

    @admin.action(description=_("Rebuild from the register and send to KSeF again"))
    def rebuild_for_ksef(self, request, queryset):
        done, refused = invoices_ksef_rebuild(
            invoice_ids=queryset.values_list("pk", flat=True), clerk=request.user
        )
        self.message_user(request, _("Invoices rebuilt and queued: %(n)d.") % {"n": done})
        for message in refused:
            self.message_user(request, message, messages.WARNING)

    @admin.action(description=_("Send the invoice to the tenant again"))
    def send_again(self, request, queryset):
        told = sum(invoice_resend(invoice=invoice, clerk=request.user) for invoice in queryset)
        self.message_user(request, _("Sent to %(n)d person(s).") % {"n": told})

    @admin.action(description=_("Render missing PDFs"))
    def render_missing_pdfs(self, request, queryset):
        queued = invoices_pdf_request(invoice_ids=queryset.values_list("pk", flat=True))
        self.message_user(request, _("Queued %(n)d PDF(s).") % {"n": queued})


class _Describe:
    """A current line with its rate's label, for the correction form."""

    def __init__(self, line):
        self._line = line

    def __getattr__(self, name):
        return getattr(self._line, name)

    def get_vat_rate_display(self):
        return VatRate(self._line.vat_rate).label
