"""URLs of this feature."""

urlpatterns: list = []
