"""URLs of the contacts pages (included by pua/network/urls.py)."""

urlpatterns: list = []
