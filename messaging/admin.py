from datetime import timedelta
from typing import cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext

from accounts.models import User
from accounts.queries import accounts_for_user
from accounts.staff_forms import PersonChoiceField, account_from_query, account_people
from audit.services import audit_read
from core.dates import moment_text
from core.downloads import download_view
from core.text import validate_one_line

from . import services
from .attachments import AttachmentRejected, attachment_response, clean_attachment
from .models import (
    STAFF_TOPICS_WITHOUT_ALL,
    MessagingPreference,
    Notice,
    NoticeAttachment,
    NoticeDelivery,
    Notification,
    Thread,
    ThreadMessage,
)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "subject",
        "user",
        "category",
        "created_at",
        "email_sent_at",
        "read_at",
        "email_status",
    ]
    list_filter = [
        "email_status",
        "category",
        ("read_at", admin.EmptyFieldListFilter),
        "created_at",
    ]
    search_fields = ["subject", "user__username", "user__last_name", "user__email"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    readonly_fields = [
        "user",
        "subject",
        "body",
        "link",
        "category",
        "created_at",
        "read_at",
        "email_status",
        "email_sent_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "user/<int:user_id>/",
                self.admin_site.admin_view(self.user_deliveries_view),
                name="messaging_user_deliveries",
            ),
            *super().get_urls(),
        ]

    def user_deliveries_view(self, request, user_id):
        """Per resident: when each notification and notice was delivered, e-mailed, opened."""

        if not self.has_view_permission(request):
            raise PermissionDenied
        person = get_object_or_404(User, pk=user_id)
        audit_read(request, gettext_noop("Deliveries to a person"), obj=person)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Deliveries to %(user)s") % {"user": person},
            "person": person,
            "notifications": Notification.objects.filter(user=person)[:500],
            "deliveries": NoticeDelivery.objects.filter(user=person).select_related("notice")[:500],
        }
        return TemplateResponse(request, "admin/messaging/user_deliveries.html", context)


# -- notices ---------------------------------------------------------------------------------


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = NoticeAttachment
        fields = ["file"]

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if (
            uploaded
            and uploaded is not getattr(self.instance, "file", None)
            and hasattr(uploaded, "content_type")
        ):
            try:
                content, name, content_type = clean_attachment(uploaded)
            except AttachmentRejected as error:
                raise forms.ValidationError(str(error)) from error
            self.instance.name, self.instance.content_type = name, content_type
            return content
        return uploaded


class AttachmentInline(admin.TabularInline):
    model = NoticeAttachment
    form = AttachmentForm
    extra = 1
    fields = ["file", "name"]
    readonly_fields = ["name"]


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    audit_lists = False  # a list page shows no residents' data
    list_display = [
        "title",
        "audience_display",
        "status",
        "publish_at",
        "expires_at",
        "recipients",
        "read",
    ]
    list_filter = ["status", "audience", "publish_at"]
    search_fields = ["title", "body"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["audience_community", "audience_building", "audience_accounts"]
    inlines = [AttachmentInline]
    actions = ["publish", "withdraw"]
    readonly_fields = ["status", "published_at", "created_by", "read_stats"]
    fieldsets = [
        (None, {"fields": ["title", "body"]}),
        (
            _("Audience"),
            {
                "fields": [
                    "audience",
                    "audience_kind",
                    "audience_community",
                    "audience_building",
                    "audience_accounts",
                ],
                "description": _(
                    "Everyone with current access to an active account that matches; a resident "
                    "with several matching accounts gets the notice once."
                ),
            },
        ),
        (_("Publication"), {"fields": ["publish_at", "expires_at", "status", "published_at"]}),
        (_("Who read it"), {"fields": ["read_stats", "created_by"]}),
    ]
    change_form_template = "admin/messaging/notice/change_form.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_recipients=Count("deliveries"),
                n_read=Count("deliveries", filter=Q(deliveries__read_at__isnull=False)),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status == Notice.Status.PUBLISHED:
            return [f.name for f in Notice._meta.fields if f.name != "id"] + [
                "audience_accounts",
                "read_stats",
            ]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        # A published notice is a record of what residents were told.
        if obj is not None and obj.status == Notice.Status.PUBLISHED:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("audience"))
    def audience_display(self, obj):
        detail = {
            Notice.Audience.ACCOUNT_KIND: obj.get_audience_kind_display(),
            Notice.Audience.COMMUNITY: obj.audience_community_id and obj.audience_community,
            Notice.Audience.BUILDING: obj.audience_building_id and obj.audience_building,
        }.get(obj.audience)
        label = obj.get_audience_display()
        return f"{label}: {detail}" if detail else label

    @admin.display(description=_("recipients"), ordering="n_recipients")
    def recipients(self, obj):
        return obj.n_recipients

    @admin.display(description=_("read"), ordering="n_read")
    def read(self, obj):
        return obj.n_read

    @admin.display(description=_("read by"))
    def read_stats(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        counts = obj.deliveries.aggregate(
            total=Count("pk"),
            read=Count("pk", filter=Q(read_at__isnull=False)),
            sent=Count("pk", filter=Q(email_status=NoticeDelivery.EmailStatus.SENT)),
            failed=Count("pk", filter=Q(email_status=NoticeDelivery.EmailStatus.FAILED)),
        )
        url = reverse("admin:messaging_noticedelivery_changelist") + f"?notice__id__exact={obj.pk}"
        return format_html(
            '{} <a href="{}">{}</a>',
            _("%(read)d of %(total)d read; e-mails sent: %(sent)d, failed: %(failed)d.") % counts,
            url,
            _("List of recipients"),
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/publish/", view(self.publish_view), name="messaging_notice_publish"),
        ] + super().get_urls()

    def publish_view(self, request, pk):
        # Outside the change form's transaction: the service owns its own.
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm("messaging.change_notice"):
            return redirect("admin:index")
        notice = get_object_or_404(Notice, pk=pk)
        self._publish(request, [notice])
        return redirect("admin:messaging_notice_change", notice.pk)

    def _publish(self, request, notices):
        for notice in notices:
            try:
                published = services.notice_publish(notice_id=notice.pk, clerk=request.user)
            except services.MessagingError as error:
                self.message_user(request, f"{notice}: {error.message}", messages.ERROR)
                continue
            when = published.publish_at  # always set once published
            if when is not None and when > timezone.now() + timedelta(seconds=5):
                text = _("%(title)s: scheduled for %(when)s.") % {
                    "title": notice,
                    "when": moment_text(when),
                }
            else:
                text = _("%(title)s: being delivered to its audience now.") % {"title": notice}
            self.message_user(request, text, messages.SUCCESS)

    @admin.action(description=_("Publish (now, or at the set time)"), permissions=["change"])
    def publish(self, request, queryset):
        self._publish(request, list(queryset))

    @admin.action(description=_("Withdraw a scheduled notice to draft"), permissions=["change"])
    def withdraw(self, request, queryset):
        done = sum(
            services.notice_withdraw_schedule(notice_id=n.pk, clerk=request.user) for n in queryset
        )
        self.message_user(
            request,
            ngettext("%(n)d notice withdrawn.", "%(n)d notices withdrawn.", done) % {"n": done},
        )

    def render_change_form(self, request, context, *args, **kwargs):
        obj = context.get("original")
        context["can_publish"] = (
            obj is not None
            and obj.status != Notice.Status.PUBLISHED
            and request.user.has_perm("messaging.change_notice")
        )
        return super().render_change_form(request, context, *args, **kwargs)


@admin.register(NoticeDelivery)
class NoticeDeliveryAdmin(admin.ModelAdmin):
    list_display = ["user", "notice", "created_at", "read_at", "email_status", "email_sent_at"]
    list_filter = [
        ("read_at", admin.EmptyFieldListFilter),
        "email_status",
        ("notice", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["user__username", "user__last_name", "user__email", "notice__title"]
    list_select_related = ["user", "notice"]
    show_full_result_count = False
    readonly_fields = [
        "notice",
        "user",
        "created_at",
        "read_at",
        "email_status",
        "email_sent_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MessagingPreference)
class MessagingPreferenceAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "email_notices",
        "email_billing",
        "email_meters",
        "email_faults",
        "email_resolutions",
    ]
    list_filter = [
        "email_notices",
        "email_billing",
        "email_meters",
        "email_faults",
        "email_resolutions",
    ]
    search_fields = ["user__username", "user__last_name", "user__email"]
    readonly_fields = [
        "user",
        "email_notices",
        "email_billing",
        "email_meters",
        "email_faults",
        "email_resolutions",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# -- threads ---------------------------------------------------------------------------------


class AgeFilter(admin.SimpleListFilter):
    title = _("waiting since")
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return [
            ("1", _("over 1 day")),
            ("3", _("over 3 days")),
            ("7", _("over 7 days")),
        ]

    def queryset(self, request, queryset):
        days = self.value()
        if days in {"1", "3", "7"}:
            since = timezone.now() - timedelta(days=int(days))
            return queryset.filter(last_activity_at__lt=since)
        return queryset


class MessageInline(admin.StackedInline):
    model = ThreadMessage
    extra = 0
    fields = ("author", "from_staff", "created_at", "text", "attachment_link")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("attachment"))
    def attachment_link(self, obj):
        if not obj.attachment:
            return "—"
        url = reverse("admin:messaging_thread_attachment", args=[obj.thread_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.attachment_name)


class StartForm(forms.Form):
    """BOK's first message to the residents of one account."""

    recipient = PersonChoiceField(
        label=_("To"),
        queryset=None,
        required=False,
        empty_label=_("everyone with access to the account"),
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=Thread.Topic.choices)
    subject = forms.CharField(
        label=_("Subject"), max_length=200, validators=[validate_one_line], strip=False
    )
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}))
    attachment = forms.FileField(label=_("Attachment (PDF, JPEG, PNG)"), required=False)

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        cast(PersonChoiceField, self.fields["recipient"]).queryset = account_people(account)


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 6}))
    attachment = forms.FileField(label=_("Attachment (PDF, JPEG, PNG)"), required=False)
    close = forms.BooleanField(label=_("Close the thread after this reply"), required=False)


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = [
        "subject",
        "account",
        "topic",
        "status",
        "awaiting_staff",
        "last_activity_at",
        "age",
    ]
    list_filter = ["status", "awaiting_staff", AgeFilter, "topic"]
    search_fields = [
        "subject",
        "account__number",
        "account__holder_name",
        "created_by__username",
        "created_by__last_name",
    ]
    list_select_related = ["account"]
    ordering = ["-awaiting_staff", "last_activity_at"]
    fields = (
        "subject",
        "account",
        "topic",
        "status",
        "created_by",
        "created_at",
        "last_activity_at",
        "closed_at",
    )
    readonly_fields = fields
    inlines = [MessageInline]
    actions = ["close", "reopen"]
    change_form_template = "admin/messaging/thread/change_form.html"

    def has_add_permission(self, request):
        return request.user.has_perm("messaging.add_thread")

    def add_view(self, request, form_url="", extra_context=None):
        """BOK starts a conversation: first the account, then whom and what. Not the admin's
        own add form: the service opens its own transaction."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        account, account_form = account_from_query(request)
        form = None
        if account is not None:
            posted = request.method == "POST"
            form = StartForm(
                request.POST if posted else None,
                request.FILES if posted else None,
                account=account,
                initial={"recipient": request.GET.get("recipient")},
            )
            if form.is_valid():
                data = form.cleaned_data
                try:
                    thread = services.thread_staff_start(
                        clerk=request.user,
                        account_id=account.pk,
                        recipient=data["recipient"],
                        topic=data["topic"],
                        subject=data["subject"],
                        text=data["text"],
                        attachment=data["attachment"],
                    )
                except services.MessagingError as error:
                    form.add_error(
                        error.field if error.field in form.fields else None, error.message
                    )
                else:
                    self.message_user(
                        request,
                        _("The message was sent; the resident is notified."),
                        messages.SUCCESS,
                    )
                    return redirect("admin:messaging_thread_change", thread.pk)
        person = None
        if account is None and request.GET.get("recipient", "").isdigit():
            person = User.objects.filter(pk=request.GET["recipient"], is_active=True).first()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Write to a resident"),
            "account": account,
            "account_form": account_form,
            "form": form,
            "person": person,
            "person_accounts": accounts_for_user(person) if person else [],
        }
        return TemplateResponse(request, "admin/messaging/thread/start.html", context)

    def get_queryset(self, request):
        # Which staff read which residents' letters is a permission (messaging.models).
        threads = super().get_queryset(request)
        if request.user.has_perm("messaging.view_all_threads"):
            return threads
        return threads.filter(topic__in=STAFF_TOPICS_WITHOUT_ALL)

    @admin.display(description=_("age"), ordering="created_at")
    def age(self, obj):
        days = (timezone.now() - obj.created_at).days
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}

    @admin.action(description=_("Close the selected threads"), permissions=["change"])
    def close(self, request, queryset):
        done = sum(services.thread_close(clerk=request.user, thread_id=t.pk) for t in queryset)
        self.message_user(request, _("Closed: %(n)d.") % {"n": done})

    @admin.action(description=_("Reopen the selected threads"), permissions=["change"])
    def reopen(self, request, queryset):
        done = sum(services.thread_reopen(clerk=request.user, thread_id=t.pk) for t in queryset)
        self.message_user(request, _("Reopened: %(n)d.") % {"n": done})

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/reply/", view(self.reply_view), name="messaging_thread_reply"),
            path(
                "<int:pk>/attachment/<int:message_pk>/",
                view(download_view(self.attachment_view)),
                name="messaging_thread_attachment",
            ),
        ] + super().get_urls()

    def render_change_form(self, request, context, *args, **kwargs):
        context["reply_form"] = context.get("reply_form") or ReplyForm()
        context["can_reply"] = request.user.has_perm("messaging.add_threadmessage")
        # Nothing on the thread itself is edited here (status: the list's actions), so the page
        # has no save buttons: the reply is the one form, and what is typed is sent with it.
        for button in ("show_save", "show_save_and_continue", "show_save_and_add_another"):
            context[button] = False
        return super().render_change_form(request, context, *args, **kwargs)

    def reply_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        thread = get_object_or_404(self.get_queryset(request), pk=pk)
        if not request.user.has_perm("messaging.add_threadmessage"):
            return redirect("admin:index")
        form = ReplyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.thread_staff_reply(
                    clerk=request.user,
                    thread_id=thread.pk,
                    text=form.cleaned_data["text"],
                    attachment=form.cleaned_data["attachment"],
                )
            except services.MessagingError as error:
                form.add_error(error.field, error.message)
            else:
                if form.cleaned_data["close"]:
                    services.thread_close(clerk=request.user, thread_id=thread.pk)
                self.message_user(request, _("The reply was sent; the resident is notified."))
                return redirect("admin:messaging_thread_change", thread.pk)
        return self.change_view(
            _as_get(request),
            str(thread.pk),
            extra_context={"reply_form": form},
        )

    def attachment_view(self, request, pk, message_pk):
        if not self.has_view_permission(request):
            return redirect("admin:index")
        message = get_object_or_404(
            ThreadMessage.objects.exclude(attachment=""),
            pk=message_pk,
            thread__in=self.get_queryset(request),
            thread_id=pk,
        )
        response = attachment_response(
            request,
            message.attachment,
            message.attachment_name,
            message.attachment_type,
            back=reverse("admin:messaging_thread_change", args=[pk]),
        )
        if response.status_code == 200:
            audit_read(request, gettext_noop("Message attachment"), obj=message)
        return response


def _as_get(request):
    """Show the change page again (with the reply form's errors) without re-posting it."""
    request.method = "GET"
    return request
