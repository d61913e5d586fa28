"""URLs of this feature; see intake_views."""

urlpatterns: list = []
