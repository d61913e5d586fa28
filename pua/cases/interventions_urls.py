"""URLs of this feature; see interventions_views."""

urlpatterns: list = []
