"""URLs of the agreements pages (included by pua/network/urls.py)."""

urlpatterns: list = []
