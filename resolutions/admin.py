"""Resolutions in Django admin: voting settings per community, the share register (owners per
premises), resolutions with open and close actions, paper ballots, the tally, the protocol and
the result letters; the vote log and the notices, read-only. Writes go through services, which
record the clerk's change in the audit log (marking letters delivered is recorded here); the
tally, the paper ballot page and the PDFs record a read of the owners' votes."""

from typing import cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from accounts.admin import share_display
from audit.services import Action, audit_read, audit_record
from core.downloads import download_view, stored_file_response

from . import documents, services
from .models import (
    Attachment,
    Ballot,
    Choice,
    CommunityVotingSettings,
    Ownership,
    Resolution,
    ResultNotice,
    SharePremises,
    Vote,
)
from .tally import tally

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


def validate_pdf(upload):
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(_("An attachment may have at most 20 MB."))
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise ValidationError(_("Attach a PDF file."))


@admin.register(CommunityVotingSettings)
class CommunityVotingSettingsAdmin(admin.ModelAdmin):
    audit_lists = False  # a list page shows no residents' data
    list_display = ["community", "evoting_enabled", "enabling_resolution", "counting_rule"]
    list_filter = ["evoting_enabled", "counting_rule"]
    search_fields = ["community__name"]


class OwnershipInline(admin.TabularInline):
    model = Ownership
    extra = 1
    fields = [
        "kind",
        "owner_name",
        "fraction_numerator",
        "fraction_denominator",
        "user",
        "spouse",
        "is_municipality",
        "is_proxy",
        "account",
        "postal_address",
    ]
    raw_id_fields = ["user", "spouse", "account"]


@admin.register(SharePremises)
class SharePremisesAdmin(admin.ModelAdmin):
    list_display = ["__str__", "community", share_display, "owners"]
    list_filter = ["building__community"]
    search_fields = ["building__street", "number", "ownerships__owner_name"]
    fields = ["building", "number", "share_numerator", "share_denominator"]
    readonly_fields = ["building", "number"]
    inlines = [OwnershipInline]
    list_select_related = ["building__community"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(building__community__isnull=False)

    def has_add_permission(self, request):
        return False  # premises are added in the register of accounts

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("housing community"))
    def community(self, obj):
        return obj.building.community

    @admin.display(description=gettext_lazy("owners"))
    def owners(self, obj):
        return ", ".join(o.owner_name for o in obj.ownerships.all())

    def get_list_display_links(self, request, list_display):
        return ["__str__"]


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = Attachment
        fields = ["title", "file"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload and hasattr(upload, "content_type"):
            validate_pdf(upload)
        return upload


class AttachmentInline(admin.TabularInline):
    model = Attachment
    form = AttachmentForm
    extra = 1


class PaperBallotForm(forms.Form):
    ballot = forms.ModelChoiceField(label=gettext_lazy("Ballot"), queryset=Ballot.objects.none())
    choice = forms.ChoiceField(
        label=gettext_lazy("Vote"), choices=Choice.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, resolution, **kwargs):
        super().__init__(*args, **kwargs)
        ballots = Ballot.objects.filter(resolution=resolution).order_by("premises_label", "pk")
        cast(forms.ModelChoiceField, self.fields["ballot"]).queryset = ballots


@admin.register(Resolution)
class ResolutionAdmin(admin.ModelAdmin):
    audit_lists = False  # a list page shows no residents' data
    list_display = ["number", "title", "community", "status", "result", "starts_at", "ends_at"]
    list_filter = ["status", "result", "community"]
    search_fields = ["number", "title", "community__name"]
    inlines = [AttachmentInline]
    actions = ["open_votes", "close_votes"]
    list_select_related = ["community"]
    readonly_fields = [
        "status",
        "result",
        "text_hash",
        "opened_at",
        "opened_by",
        "closed_at",
        "closed_by",
        "tools",
    ]
    FROZEN = ["community", "number", "title", "text", "counting_rule", "starts_at", "ends_at"]

    def get_fields(self, request, obj=None):
        fields = [*self.FROZEN, "status", "result", "text_hash", "tools"]
        if obj and obj.status != Resolution.Status.DRAFT:
            fields += ["opened_at", "opened_by", "closed_at", "closed_by"]
        return fields

    def get_readonly_fields(self, request, obj=None):
        if obj and obj.status != Resolution.Status.DRAFT:
            return [*self.FROZEN, *self.readonly_fields]  # the text voted on never changes
        return self.readonly_fields

    def get_inline_instances(self, request, obj=None):
        if obj and obj.status != Resolution.Status.DRAFT:
            return []  # attachments are fixed once voting opens (listed under tools)
        return super().get_inline_instances(request, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.status == Resolution.Status.DRAFT

    @admin.display(description=gettext_lazy("tools"))
    def tools(self, obj):
        if obj is None or obj.pk is None or obj.status == Resolution.Status.DRAFT:
            return _("Open the vote with the action in the list of resolutions.")
        links = [(reverse("admin:resolutions_resolution_tally", args=[obj.pk]), _("Tally"))]
        if obj.status == Resolution.Status.OPEN:
            links.append(
                (reverse("admin:resolutions_resolution_paper", args=[obj.pk]), _("Paper ballot"))
            )
        if obj.status == Resolution.Status.CLOSED:
            links += [
                (
                    reverse("admin:resolutions_resolution_protocol", args=[obj.pk]),
                    _("Protocol (PDF)"),
                ),
                (
                    reverse("admin:resolutions_resolution_letters", args=[obj.pk]),
                    _("Letters to post (PDF)"),
                ),
            ]
        parts = [format_html('<a href="{}">{}</a>', url, label) for url, label in links]
        return format_html(" · ".join(["{}"] * len(parts)), *parts)

    @admin.action(description=gettext_lazy("Open voting (freezes the share register)"))
    def open_votes(self, request, queryset):
        if not self.has_change_permission(request):
            raise PermissionDenied
        for resolution in queryset:
            try:
                services.resolution_open(resolution_id=resolution.pk, by=request.user)
            except services.ResolutionError as refused:
                self.message_user(request, f"{resolution.number}: {refused}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(number)s: voting opened; the owners were notified.")
                    % {"number": resolution.number},
                    messages.SUCCESS,
                )

    @admin.action(description=gettext_lazy("Close voting and count (after the window ends)"))
    def close_votes(self, request, queryset):
        if not self.has_change_permission(request):
            raise PermissionDenied
        for resolution in queryset:
            try:
                closed = services.resolution_close(resolution_id=resolution.pk, by=request.user)
            except services.ResolutionError as refused:
                self.message_user(request, f"{resolution.number}: {refused}", messages.ERROR)
                continue
            if closed:
                self.message_user(
                    request,
                    _("%(number)s: closed and counted.") % {"number": resolution.number},
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    _("%(number)s: not open, nothing to close.") % {"number": resolution.number},
                    messages.WARNING,
                )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/tally/", view(self.tally_view), name="resolutions_resolution_tally"),
            path("<int:pk>/paper/", view(self.paper_view), name="resolutions_resolution_paper"),
            path(
                "<int:pk>/protocol/",
                view(download_view(self.protocol_view)),
                name="resolutions_resolution_protocol",
            ),
            path(
                "<int:pk>/letters/",
                view(download_view(self.letters_view)),
                name="resolutions_resolution_letters",
            ),
        ] + super().get_urls()

    def _page(self, request, template, title, **context):
        return render(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": title,
                **context,
            },
        )

    def _resolution(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(Resolution.objects.select_related("community"), pk=pk)

    def tally_view(self, request, pk):
        resolution = self._resolution(request, pk)
        ballots = list(
            Ballot.objects.filter(resolution=resolution)
            .select_related("current__vote__user")
            .order_by("premises_label", "pk")
        )
        audit_read(request, gettext_noop("Tally"), obj=resolution, ballots=len(ballots))
        return self._page(
            request,
            "admin/resolutions/tally.html",
            _("Tally of resolution %(number)s") % {"number": resolution.number},
            resolution=resolution,
            tally=tally(resolution) if resolution.total else None,
            ballots=ballots,
        )

    def paper_view(self, request, pk):
        resolution = self._resolution(request, pk)
        if not request.user.has_perm("resolutions.add_vote"):
            raise PermissionDenied
        form = PaperBallotForm(request.POST or None, resolution=resolution)
        if request.method == "GET":
            audit_read(request, gettext_noop("Paper ballot form"), obj=resolution)
        if request.method == "POST" and form.is_valid():
            try:
                services.vote_cast_paper(
                    clerk=request.user,
                    resolution=resolution,
                    ballot=form.cleaned_data["ballot"],
                    choice=form.cleaned_data["choice"],
                )
            except services.ResolutionError as refused:
                form.add_error(None, str(refused))
            else:
                self.message_user(request, _("The paper ballot was recorded."), messages.SUCCESS)
                return redirect("admin:resolutions_resolution_paper", resolution.pk)
        return self._page(
            request,
            "admin/resolutions/paper.html",
            _("Paper ballot for resolution %(number)s") % {"number": resolution.number},
            resolution=resolution,
            form=form,
        )

    def _document(self, request, pk, ensure, prefix, what):
        resolution = self._resolution(request, pk)
        if resolution.status != Resolution.Status.CLOSED:
            raise PermissionDenied
        stored = ensure(resolution)  # drawn again if its file is gone
        response = stored_file_response(
            request,
            stored,
            content_type="application/pdf",
            filename=f"{prefix}-{resolution.number.replace('/', '-')}.pdf",
            as_attachment=False,
            back=reverse("admin:resolutions_resolution_change", args=[resolution.pk]),
        )
        if response.status_code == 200:
            audit_read(request, what, obj=resolution, action=Action.EXPORT)
        return response

    def protocol_view(self, request, pk):
        return self._document(
            request, pk, documents.protocol_ensure, "protokol", gettext_noop("Voting protocol")
        )

    def letters_view(self, request, pk):
        return self._document(
            request, pk, documents.letters_ensure, "zawiadomienia", gettext_noop("Result letters")
        )


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    """The append-only log: nothing here can be changed or deleted."""

    list_display = ["resolution", "ballot", "choice", "channel", "user", "cast_at"]
    list_filter = ["channel", "choice", "resolution__community"]
    search_fields = ["resolution__number", "ballot__premises_label", "ballot__owner_label"]
    list_select_related = ["resolution", "ballot", "user"]

    def has_add_permission(self, request):
        return False  # paper ballots are entered from the resolution's tools

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ResultNotice)
class ResultNoticeAdmin(admin.ModelAdmin):
    list_display = ["resolution", "owner_label", "channel", "notified_at", "challenge_deadline"]
    list_filter = ["channel", ("notified_at", admin.EmptyFieldListFilter)]
    search_fields = ["owner_label", "resolution__number"]
    readonly_fields = ["resolution", "user", "owner_label", "address", "channel"]
    actions = ["delivered_today"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("may be challenged until"))
    def challenge_deadline(self, obj):
        return obj.challenge_deadline

    @admin.action(description=gettext_lazy("Letters delivered today"), permissions=["change"])
    def delivered_today(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        waiting = list(
            ResultNotice.objects.filter(pk__in=ids, notified_at__isnull=True).values_list(
                "pk", flat=True
            )
        )
        count = services.letters_mark_delivered(notice_ids=ids, on=timezone.localdate())
        # The service takes no clerk, so the change is recorded here, right after it.
        done = ResultNotice.objects.filter(pk__in=waiting, notified_at__isnull=False)
        for notice in done.select_related("resolution", "user"):
            audit_record(
                action=Action.CHANGE,
                request=request,
                obj=notice,
                old={"notified_at": None},
                new={"notified_at": notice.notified_at},
            )
        self.message_user(request, _("%(count)d notices marked.") % {"count": count})
