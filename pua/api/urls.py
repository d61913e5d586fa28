"""/api/: the OpenAPI schema, its Swagger UI and version 1 of the API.

The schema and the docs are for signed-in users only. The docs use the split
Swagger view: its start-up script is a separate file, as the
Content-Security-Policy forbids inline scripts.
"""

from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import DefaultRouter

from . import agreements, assessments, cases, journey, people, plans, profile, search, views, work

app_name = "api"

router = DefaultRouter()
router.APIRootView = views.ApiRootView
router.register("programmes", views.ProgrammeViewSet, basename="programme")
router.register("territories", views.TerritoryViewSet, basename="territory")
router.register("access-points", views.AccessPointViewSet, basename="accesspoint")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("users", views.UserViewSet, basename="user")
router.register("memberships", views.MembershipViewSet, basename="membership")
for area in (profile, search, agreements, people, cases, journey, plans, work, assessments):
    area.register(router)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(authentication_classes=views.AUTHENTICATION_CLASSES,
                                               permission_classes=[IsAuthenticated]), name="schema"),
    # A page for people: anonymous visitors are sent to the login page.
    path("docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    path("v1/me/", views.MeView.as_view(), name="me"),
    path("v1/", include(router.urls)),
    re_path(r"^v1/", views.NotFoundView.as_view()),
]
