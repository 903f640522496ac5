from django.urls import path

from . import views

app_name = "faults"
urlpatterns = [
    path("awarie/", views.index, name="index"),
    path("awarie/nowa/", views.new, name="new"),
    path("awarie/<int:pk>/", views.detail, name="detail"),
    path("awarie/zdjecia/<int:pk>/", views.photo, name="photo"),
]
