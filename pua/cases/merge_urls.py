"""URLs of this feature; see merge_views."""

urlpatterns: list = []
