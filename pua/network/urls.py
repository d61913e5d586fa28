from django.urls import path

from . import views

app_name = "network"

urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/active/", views.organisation_set_active, name="organisation_set_active"),
    path("access-points/", views.access_point_list, name="access_point_list"),
    path("access-points/<int:pk>/", views.access_point_detail, name="access_point_detail"),
    path("access-points/<int:pk>/edit/", views.access_point_edit, name="access_point_edit"),
    path("access-points/switch/", views.access_point_switch, name="access_point_switch"),
    path("territories/<int:pk>/", views.territory_detail, name="territory_detail"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/active/", views.user_set_active, name="user_set_active"),
    path("users/<int:user_pk>/memberships/new/", views.membership_add, name="membership_add"),
    path("memberships/<int:pk>/edit/", views.membership_edit, name="membership_edit"),
    path("memberships/<int:pk>/approve/", views.membership_approve, name="membership_approve"),
]

# Feature areas of the network directory, each in its own module.
from . import agreements_urls, contacts_urls, imports_urls, profile_urls, search_urls  # noqa: E402

urlpatterns += (
    profile_urls.urlpatterns
    + search_urls.urlpatterns
    + agreements_urls.urlpatterns
    + contacts_urls.urlpatterns
    + imports_urls.urlpatterns
)
