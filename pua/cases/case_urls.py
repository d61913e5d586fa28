"""URLs of this feature; see case_views."""

urlpatterns: list = []
