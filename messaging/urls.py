from django.urls import path

from . import views

app_name = "messaging"
urlpatterns = [
    path("powiadomienia/", views.notification_list, name="notification_list"),
    path("powiadomienia/<int:pk>/", views.notification_detail, name="notification_detail"),
    path("powiadomienia/przeczytane/", views.notifications_read_all, name="read_all"),
    path("powiadomienia/ustawienia/", views.preferences, name="preferences"),
    path("ogloszenia/<int:pk>/", views.notice_detail, name="notice_detail"),
    path(
        "ogloszenia/<int:notice_pk>/zalaczniki/<int:pk>/",
        views.notice_attachment,
        name="notice_attachment",
    ),
    path("wiadomosci/", views.thread_list, name="thread_list"),
    path("wiadomosci/nowa/", views.thread_new, name="thread_new"),
    path("wiadomosci/<int:pk>/", views.thread_detail, name="thread_detail"),
    path(
        "wiadomosci/<int:thread_pk>/zalaczniki/<int:pk>/",
        views.message_attachment,
        name="message_attachment",
    ),
]
