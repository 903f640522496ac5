from django.urls import path

from . import views

app_name = "accessibility"
urlpatterns = [
    path("deklaracja-dostepnosci/", views.statement, name="statement"),
    path("deklaracja-dostepnosci/wniosek/", views.request_form, name="request"),
    path("deklaracja-dostepnosci/wniosek/wyslany/", views.request_sent, name="request_sent"),
]
