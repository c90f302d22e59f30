from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from courses.views import accounts, certificates, health, media, pages

urlpatterns = [
    path("", include("courses.urls")),
    path("admin/", admin.site.urls),
    # Accounts
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/profile/", accounts.profile, name="profile"),
    path("accounts/licenses/add/", accounts.license_add, name="license_add"),
    path("accounts/licenses/<int:pk>/", accounts.license_edit, name="license_edit"),
    path("accounts/licenses/<int:pk>/remove/", accounts.license_remove, name="license_remove"),
    path("accounts/", include("django.contrib.auth.urls")),
    # Public certificate verification
    path("verify/", certificates.verify, name="verify"),
    path("verify/<str:code>/", certificates.verify_code, name="verify_code"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

if settings.MEDIA_STORAGE == "local":
    # Local media is served by the app with HTTP Range support so audio can seek.
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.+)$", media.serve_media, name="media")
    ]
