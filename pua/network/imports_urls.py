"""URLs of the imports pages (included by pua/network/urls.py)."""

urlpatterns: list = []
