"""URLs of the profile pages (included by pua/network/urls.py)."""

urlpatterns: list = []
