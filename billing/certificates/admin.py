"""Certificates of no arrears in admin: staff see them and revoke one with a reason."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from billing.certificates import services as certificates
from billing.certificates.models import Certificate


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revoking"), max_length=500)


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "account_number",
        "holder_name",
        "issued_on",
        "pdf_status",
        "revoked_at",
    ]
    list_filter = ["pdf_status", ("revoked_at", admin.EmptyFieldListFilter), "issued_on"]
    search_fields = ["number", "account_number", "holder_name", "verification_code"]
    exclude = ["pdf_claimed_at"]  # the PDF worker's claim, nothing for a clerk
    readonly_fields = [f.name for f in Certificate._meta.fields if f.name != "pdf_claimed_at"]
    change_form_template = "admin/billing/certificate/change_form.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("billing.change_certificate")

    def get_urls(self):
        return [
            path(
                "<int:pk>/revoke/",
                self.admin_site.admin_view(self.revoke_view),
                name="billing_certificate_revoke",
            ),
            *super().get_urls(),
        ]

    def revoke_view(self, request, pk):
        certificate = get_object_or_404(Certificate, pk=pk)
        if not self.has_change_permission(request, certificate):
            raise PermissionDenied
        form = RevokeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                certificates.certificate_revoke(
                    certificate_id=pk, reason=form.cleaned_data["reason"], clerk=request.user
                )
            except certificates.CertificateError as error:
                form.add_error("reason", str(error))
            else:
                messages.success(request, _("The certificate is revoked."))
                return redirect(reverse("admin:billing_certificate_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Revoke certificate %(number)s") % {"number": certificate.number},
            "form": form,
            "submit": _("Revoke"),
            "back_url": reverse("admin:billing_certificate_change", args=[pk]),
        }
        return TemplateResponse(request, "admin/billing/money_form.html", context)
