from django.http import Http404

from .models import Notification


def notifications_for_user(user):
    return Notification.objects.filter(user=user)


def unread_for_user(user, limit=5):
    """The newest unread notifications and their count, in two queries."""
    unread = notifications_for_user(user).filter(read_at__isnull=True)
    return list(unread[:limit]), unread.count()


def get_notification_for_user(user, pk):
    notification = notifications_for_user(user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    return notification
