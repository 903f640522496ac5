from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("moje-dane/", views.index, name="index"),
    path("moje-dane/<int:pk>/pobierz/", views.download, name="download"),
]
