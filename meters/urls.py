from django.urls import path

from . import views

app_name = "meters"
urlpatterns = [
    path("liczniki/", views.index, name="index"),
    path("liczniki/<int:pk>/", views.detail, name="detail"),
    path("liczniki/<int:pk>/odczyt/", views.submit, name="submit"),
    path("liczniki/<int:pk>/wycofaj/", views.withdraw, name="withdraw"),
    path("liczniki/odczyty/<int:pk>/zdjecie/", views.photo, name="photo"),
]
