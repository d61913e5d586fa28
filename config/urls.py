from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from pua.cases import work_views
from pua.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/2fa/webauthn/", include("pua.accounts.mfa_webauthn_urls")),
    path("accounts/", include("pua.accounts.urls")),
    path("network/", include("pua.network.urls")),
    path("people/", include("pua.people.urls")),
    path("cases/", include("pua.cases.urls")),
    path("find/", include("pua.cases.find_urls")),
    path("assessments/", include("pua.assessments.urls")),
    path("audit/", include("pua.governance.urls")),
    path("privacy/", include("pua.governance.privacy_urls")),
    path("api/", include("pua.api.urls")),
    path("admin/", admin.site.urls),
    # My work for staff of an access point; the network home for everyone else.
    path("", work_views.home, name="home"),
    path("", include("pua.network.home_urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
