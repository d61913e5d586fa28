"""URLs of this feature; see contacts_views."""

urlpatterns: list = []
