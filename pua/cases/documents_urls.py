"""URLs of this feature; see documents_views."""

urlpatterns: list = []
