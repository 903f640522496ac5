from django.urls import path

from . import views

app_name = "resolutions"
urlpatterns = [
    path("uchwaly/", views.index, name="index"),
    path("uchwaly/zgoda/", views.consent, name="consent"),
    path("uchwaly/<int:pk>/", views.detail, name="detail"),
    path("uchwaly/<int:pk>/glosuj/", views.vote, name="vote"),
    path("uchwaly/<int:pk>/glosuj/wszystkie/", views.vote_all, name="vote_all"),
    path("uchwaly/<int:pk>/glosy/", views.votes, name="votes"),
    path("uchwaly/<int:pk>/protokol.pdf", views.protocol, name="protocol"),
    path("uchwaly/zalaczniki/<int:pk>/", views.attachment, name="attachment"),
]
