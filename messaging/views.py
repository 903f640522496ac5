from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts.queries import accounts_for_user
from core import rate_limits
from core.downloads import download_view
from core.paging import page_number

from . import queries, services
from .attachments import attachment_response
from .forms import PreferenceForm, ReplyForm, ThreadForm

PAGE_SIZE = 25


TOO_MANY = gettext_lazy(
    "You have sent many messages in a short time; try again in an hour or call BOK."
)


def _posted(request):
    # An empty POST (an unticked box) is still a submission.
    return request.POST if request.method == "POST" else None


def _files(request):
    return request.FILES if request.method == "POST" else None


@login_required
def notification_list(request):
    """The inbox: notices and notifications together, newest first."""
    number = page_number(request.GET.get("page"))
    items, older = queries.inbox_page(request.user, number, PAGE_SIZE)
    return render(request, "messaging/inbox.html", {"items": items, "page": number, "older": older})


@login_required
def notification_detail(request, pk):
    notification = queries.get_notification_for_user(request.user, pk)
    services.notification_mark_read(user=request.user, notification_id=notification.pk)
    return render(request, "messaging/notification_detail.html", {"notification": notification})


@login_required
@require_POST
def notifications_read_all(request):
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d notification marked as read.",
                "%(count)d notifications marked as read.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("There were no unread notifications."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "messaging:notification_list"
    return redirect(target)


@login_required
def notice_detail(request, pk):
    notice, delivery = queries.get_notice_for_user(request.user, pk)
    services.notice_mark_read(user=request.user, notice_id=notice.pk)
    return render(request, "messaging/notice_detail.html", {"notice": notice})


@download_view
@login_required
def notice_attachment(request, notice_pk, pk):
    attachment = queries.get_notice_attachment_for_user(request.user, notice_pk, pk)
    return attachment_response(request, attachment.file, attachment.name, attachment.content_type)


@login_required
def preferences(request):
    form = PreferenceForm(_posted(request), initial=PreferenceForm.initial_for(request.user))
    if request.method == "POST" and form.is_valid():
        services.preference_set(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your settings are saved."))
        return redirect("messaging:preferences")
    return render(request, "messaging/preferences.html", {"form": form})


@login_required
def thread_list(request):
    page = Paginator(queries.threads_for_user(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "messaging/thread_list.html", {"page": page})


@login_required
def thread_new(request):
    accounts = list(accounts_for_user(request.user))
    form = ThreadForm(_posted(request), _files(request), accounts=accounts, uploader=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = queries.thread_by_token(request.user, data["token"])
        if done is not None:  # the same form sent twice
            messages.info(request, _("This message was already sent."))
            return redirect("messaging:thread_detail", done.pk)
        if not rate_limits.allowed(request, "message_send"):
            form.add_error(None, TOO_MANY)
            context = {"form": form, "accounts": accounts}
            return render(request, "messaging/thread_new.html", context, status=429)
        try:
            thread = services.thread_start(
                user=request.user,
                account_id=data["account"],
                topic=data["topic"],
                subject=data["subject"],
                text=data["text"],
                attachment=data["attachment"],
                idempotency_key=data["token"],
            )
        except services.MessagingError as error:
            form.add_error(error.field, error.message)
        else:
            form.uploads_done()
            messages.success(request, _("Your message has been sent to BOK."))
            return redirect("messaging:thread_detail", thread.pk)
    return render(request, "messaging/thread_new.html", {"form": form, "accounts": accounts})


@login_required
def thread_detail(request, pk):
    thread = queries.get_thread_for_user(request.user, pk, page_number(request.GET.get("page")))
    form = ReplyForm(_posted(request), _files(request), uploader=request.user)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        if queries.reply_by_token(request.user, thread, token) is not None:
            messages.info(request, _("This reply was already sent."))
            return redirect("messaging:thread_detail", thread.pk)
        if not rate_limits.allowed(request, "message_send"):
            form.add_error(None, TOO_MANY)
            context = {"thread": thread, "form": form}
            return render(request, "messaging/thread_detail.html", context, status=429)
        try:
            services.thread_reply(
                user=request.user,
                thread_id=thread.pk,
                text=form.cleaned_data["text"],
                attachment=form.cleaned_data["attachment"],
                idempotency_key=token,
            )
        except services.MessagingError as error:
            form.add_error(error.field, error.message)
        else:
            form.uploads_done()
            messages.success(request, _("Your reply has been sent."))
            return redirect("messaging:thread_detail", thread.pk)
    return render(request, "messaging/thread_detail.html", {"thread": thread, "form": form})


@download_view
@login_required
def message_attachment(request, thread_pk, pk):
    message = queries.get_message_attachment_for_user(request.user, thread_pk, pk)
    return attachment_response(
        request, message.attachment, message.attachment_name, message.attachment_type
    )
