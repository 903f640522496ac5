from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import queries, services


@login_required
def notification_list(request):
    page = Paginator(queries.notifications_for_user(request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "messaging/notification_list.html", {"page": page})


@login_required
def notification_detail(request, pk):
    notification = queries.get_notification_for_user(request.user, pk)
    services.notification_mark_read(user=request.user, notification_id=notification.pk)
    return render(request, "messaging/notification_detail.html", {"notification": notification})


@login_required
@require_POST
def notifications_read_all(request):
    services.notifications_mark_all_read(user=request.user)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "messaging:notification_list"
    return redirect(target)
