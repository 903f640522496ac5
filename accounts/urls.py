from django.urls import path

from . import views

urlpatterns = [
    path("konta/<int:pk>/", views.account_detail, name="account_detail"),
    path("haslo/pierwsze/", views.first_password, name="first_password"),
    path("aktywacja/<str:token>/", views.activate, name="activate"),
    path("profil/email/potwierdz/<str:token>/", views.email_confirm, name="email_confirm"),
]
