"""URLs of this feature; see plan_views."""

urlpatterns: list = []
