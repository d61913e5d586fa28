"""URLs of this feature; see consents_views."""

urlpatterns: list = []
