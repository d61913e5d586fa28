"""URLs of this feature; see work_views."""

urlpatterns: list = []
