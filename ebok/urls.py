from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views

# The admin login goes through allauth, so it is rate-limited like every other login.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = f"e-BOK — {settings.MANAGER_NAME}"
admin.site.site_title = "e-BOK"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("admin/", admin.site.urls),
    path("auth/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("accounts.urls")),
    path("", include("messaging.urls")),
    path("", include("billing.urls")),
    path("", include("meters.urls")),
    path("", include("faults.urls")),
    path("", include("resolutions.urls")),
]
