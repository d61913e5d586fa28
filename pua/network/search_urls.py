"""URLs of the search pages (included by pua/network/urls.py)."""

urlpatterns: list = []
