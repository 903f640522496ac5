from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from audit.services import Action, audit_read, audit_record
from core.dates import moment_text

from . import services
from .forms import IssueCredentialsForm
from .models import (
    Account,
    AccountAccess,
    Building,
    Community,
    CredentialIssue,
    IdentityCheck,
    Premises,
    SecurityNotice,
    User,
)


class AccountAccessInline(admin.TabularInline):
    model = AccountAccess
    extra = 0
    autocomplete_fields = ["user", "account"]
    fields = ["user", "account", "role", "granted_at", "revoked_at"]


class IdentityCheckInline(admin.TabularInline):
    model = IdentityCheck
    fk_name = "user"
    extra = 0
    fields = ("document_type", "checked_by", "checked_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class CredentialIssueInline(admin.TabularInline):
    model = CredentialIssue
    fk_name = "user"
    extra = 0
    fields = (
        "method",
        "issued_by",
        "issued_at",
        "expires_at",
        "used_at",
        "revoked_at",
        "email_status",
    )
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = [
        "username",
        "first_name",
        "last_name",
        "email",
        "is_staff",
        "is_active",
        "must_change_password",
    ]
    list_filter = ["is_staff", "is_active", "must_change_password", "groups"]
    search_fields = ["username", "first_name", "last_name", "email", "phone"]
    inlines = [AccountAccessInline, IdentityCheckInline, CredentialIssueInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "phone")}),
        (
            _("State"),
            {"fields": ("is_active", "must_change_password", "last_login", "date_joined")},
        ),
        (
            _("Staff permissions"),
            {"fields": ("is_staff", "is_superuser", "groups", "user_permissions")},
        ),
    )
    add_fieldsets = ((None, {"fields": ("username", "first_name", "last_name", "email", "phone")}),)
    readonly_fields = ["last_login", "date_joined", "must_change_password"]
    change_form_template = "admin/accounts/user/change_form.html"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_staff", "is_superuser", "groups", "user_permissions"]
        return fields

    # A clerk who could set a staff member's password, e-mail, login or active flag could
    # become them: staff and superusers are changed by a superuser only (read-only to others).
    def has_change_permission(self, request, obj=None):
        if obj is not None and not services.may_manage_login(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not services.may_manage_login(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "email" in form.changed_data:
            # The row's change is already recorded by the audited admin; the old address is
            # told, so that a changed login e-mail never goes unnoticed.
            services.security_notice_queue(
                user=obj,
                kind=SecurityNotice.Kind.EMAIL_CHANGED,
                to_email=form.initial.get("email") or "",
                new_email=obj.email,
            )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            # A resident is created without a password; BOK then issues credentials.
            kwargs["form"] = self.NewPersonForm
        return super().get_form(request, obj, change=change, **kwargs)

    class NewPersonForm(UserChangeForm):
        class Meta:
            model = User
            fields = ["username", "first_name", "last_name", "email", "phone"]

        def save(self, commit=True):
            user = super().save(commit=False)
            user.set_unusable_password()
            if commit:
                user.save()
            return user

    def response_add(self, request, obj, post_url_continue=None):
        messages.info(request, _("Now link the person's accounts and issue credentials."))
        return redirect("admin:accounts_user_change", obj.pk)

    def user_change_password(self, request, id, form_url=""):
        # Django's own view saves the form itself (no save_model): recorded here, never the hash.
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if (
                request.method == "POST"
                and isinstance(response, HttpResponseRedirect)
                and response.url != request.get_full_path()  # not the "conflicting data" retry
            ):
                person = User.objects.get(pk=unquote(id))
                services.password_changed_record(user=person, request=request)
        return response

    def get_urls(self):
        return [
            path(
                "<int:pk>/issue-credentials/",
                self.admin_site.admin_view(self.issue_credentials_view),
                name="accounts_user_issue_credentials",
            ),
        ] + super().get_urls()

    def issue_credentials_view(self, request, pk):
        if not request.user.has_perm("accounts.add_credentialissue"):
            raise PermissionDenied
        person = get_object_or_404(User, pk=pk)
        if not services.may_manage_login(request.user, person):
            raise PermissionDenied
        form = IssueCredentialsForm(
            request.POST or None, initial={"email": person.email}, current_email=person.email
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Issue credentials"),
            "person": person,
            "form": form,
            "opts": self.model._meta,
            "accounts": Account.objects.with_current_access(person).select_related(
                "premises__building"
            ),
        }
        if request.method == "GET":
            audit_read(request, gettext_noop("Issue credentials"), obj=person)
        if request.method == "POST" and form.is_valid():
            try:
                issue, password = services.credentials_issue(
                    user=person,
                    method=form.cleaned_data["method"],
                    document_type=form.cleaned_data["document_type"],
                    clerk=request.user,
                    email=form.new_email(),
                )
            except services.CredentialError as exc:
                form.add_error(None, exc.args[0])
            else:
                person.refresh_from_db()
                if password:
                    # The letter is the only place the one-time password ever appears.
                    response = TemplateResponse(
                        request,
                        "admin/accounts/credential_letter.html",
                        {**context, "issue": issue, "password": password},
                    )
                    response["Cache-Control"] = "no-store"
                    return response
                messages.success(
                    request,
                    _("An activation link was sent to %(email)s; it expires on %(when)s.")
                    % {"email": person.email, "when": moment_text(issue.expires_at)},
                )
                return redirect(reverse("admin:accounts_user_change", args=[person.pk]))
        return TemplateResponse(request, "admin/accounts/issue_credentials.html", context)


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    audit_lists = False  # a list page shows no residents' data
    list_display = ["name", "city", "nip", "bank_account", "vat_small_taxpayer"]
    search_fields = ["name", "street", "city", "nip"]
    list_filter = ["city"]


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    audit_lists = False  # a list page shows no residents' data
    list_display = ["street", "postal_code", "city", "community"]
    list_filter = [
        "city",
        ("community", admin.RelatedOnlyFieldListFilter),
        ("community", admin.EmptyFieldListFilter),
    ]
    search_fields = ["street", "city", "community__name"]
    list_select_related = ["community"]


@admin.display(description=_("share in the common property"), ordering="share_numerator")
def share_display(premises):
    """The share as one reduced fraction (7140/25310 reads 714/2531), as residents see it."""
    share = premises.share
    if share is None:
        return "—"
    if share.denominator == 1:
        return str(share.numerator)
    return f"{share.numerator}/{share.denominator}"


@admin.register(Premises)
class PremisesAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "floor_area", share_display]
    list_filter = [
        "kind",
        "building__city",
        ("building__community", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["number", "building__street", "building__city"]
    autocomplete_fields = ["building"]
    list_select_related = ["building"]


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "holder_name",
        "kind",
        "premises",
        "virtual_nrb",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["kind", "premises__building__city", ("valid_to", admin.EmptyFieldListFilter)]
    search_fields = [
        "number",
        "holder_name",
        "holder_nip",
        "virtual_nrb",
        "premises__building__street",
        "accesses__user__username",
        "accesses__user__last_name",
    ]
    autocomplete_fields = ["premises"]
    list_select_related = ["premises__building"]
    inlines = [AccountAccessInline]
    fields = [
        "number",
        "kind",
        "premises",
        "holder_name",
        "holder_nip",
        "correspondence_address",
        "virtual_nrb",
        "valid_from",
        "valid_to",
    ]
    actions = ["end_access"]

    def save_model(self, request, obj, form, change):
        if not obj.virtual_nrb:
            obj.virtual_nrb = obj.default_virtual_nrb()
        super().save_model(request, obj, form, change)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "virtual_nrb" in form.base_fields:  # absent on a view-only page
            form.base_fields["virtual_nrb"].required = False
            form.base_fields["virtual_nrb"].help_text = _(
                "Leave empty to derive it from the creditor's prefix and the account number."
            )
        return form

    @admin.action(description=_("End all access (holder changed)"), permissions=["change"])
    def end_access(self, request, queryset):
        ended = sum(self._access_end(request, a) for a in queryset)
        self.message_user(request, _("Ended %(n)d access(es).") % {"n": ended})

    @staticmethod
    def _access_end(request, account):
        # The service takes no clerk, so the change is recorded here, right after it.
        current = list(AccountAccess.objects.current().filter(account=account))
        ended = services.account_access_end(account=account)
        for access in AccountAccess.objects.filter(
            pk__in=[a.pk for a in current], revoked_at__isnull=False
        ).select_related("user", "account"):
            audit_record(
                action=Action.CHANGE,
                request=request,
                obj=access,
                old={"revoked_at": None},
                new={"revoked_at": access.revoked_at},
            )
        return ended


@admin.register(AccountAccess)
class AccountAccessAdmin(admin.ModelAdmin):
    list_display = ["user", "account", "role", "granted_at", "revoked_at"]
    list_filter = ["role", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "user__last_name", "account__number", "account__holder_name"]
    autocomplete_fields = ["user", "account"]
    list_select_related = ["user", "account"]


@admin.register(IdentityCheck)
class IdentityCheckAdmin(admin.ModelAdmin):
    list_display = ["user", "document_type", "checked_by", "checked_at"]
    list_filter = ["document_type", "checked_at"]
    search_fields = ["user__username", "user__last_name"]
    readonly_fields = ["user", "document_type", "checked_by", "checked_at"]

    def has_add_permission(self, request):
        return False  # recorded when credentials are issued

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CredentialIssue)
class CredentialIssueAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "method",
        "issued_by",
        "issued_at",
        "expires_at",
        "used_at",
        "revoked_at",
        "email_status",
    ]
    list_filter = ["method", "email_status", "issued_at"]
    search_fields = ["user__username", "user__last_name", "user__email"]
    exclude = ["email_claimed_at"]  # the mail worker's claim, nothing for a clerk
    readonly_fields = [f.name for f in CredentialIssue._meta.fields if f.name != "email_claimed_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SecurityNotice)
class SecurityNoticeAdmin(admin.ModelAdmin):
    """What each login's owner was told of changes to it, and whether the e-mail went out."""

    list_display = ["user", "kind", "to_email", "new_email", "created_at", "email_status"]
    list_filter = ["kind", "email_status", "created_at"]
    search_fields = ["user__username", "user__last_name", "to_email", "new_email"]
    readonly_fields = [f.name for f in SecurityNotice._meta.fields if f.editable]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
