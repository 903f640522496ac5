from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from core import pending_uploads

from . import profile_views, views

# The admin login goes through allauth, so it is rate-limited like every other login.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = f"e-BOK — {settings.MANAGER_NAME}"
admin.site.site_title = "e-BOK"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("profil/", profile_views.profile, name="profile"),
    path("profil/telefon/", profile_views.profile_phone, name="profile_phone"),
    path("profil/email/", profile_views.profile_email, name="profile_email"),
    path(
        "profil/email/wyslij-link/",
        profile_views.profile_email_confirm,
        name="profile_email_confirm",
    ),
    path("profil/powiadomienia/", profile_views.profile_preferences, name="profile_preferences"),
    path("profil/zgoda/", profile_views.profile_consent, name="profile_consent"),
    path("admin/", admin.site.urls),
    # The login e-mail changes in one place only, the profile (password asked, old address
    # told); allauth's own page would add, confirm and remove addresses on a session alone.
    path("auth/email/", RedirectView.as_view(pattern_name="profile"), name="account_email"),
    path("auth/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("zalaczone/<str:token>/", pending_uploads.preview, name="pending_upload"),
    path("", include("accounts.urls")),
    path("", include("messaging.urls")),
    path("", include("billing.urls")),
    path("", include("meters.urls")),
    path("", include("faults.urls")),
    path("", include("resolutions.urls")),
    path("", include("accessibility.urls")),
    path("", include("privacy.urls")),
]
# 403 and 404 render templates/403.html and 404.html (Django's handlers); a 500 renders
# without the request, so that no context processor touches the database that may be down.
handler500 = views.server_error

if settings.BENCH_HELLO:  # make bench: the floor every page is compared with
    urlpatterns.append(path("bench/hello/", views.hello, name="bench_hello"))
