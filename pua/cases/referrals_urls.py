"""URLs of this feature; see referrals_views."""

urlpatterns: list = []
