from django.urls import path

from . import views

app_name = "messaging"
urlpatterns = [
    path("powiadomienia/", views.notification_list, name="notification_list"),
    path("powiadomienia/<int:pk>/", views.notification_detail, name="notification_detail"),
    path("powiadomienia/przeczytane/", views.notifications_read_all, name="read_all"),
]
