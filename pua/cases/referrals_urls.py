"""URLs of this feature; see referrals_views."""

from django.urls import path

from . import referrals_views as views

urlpatterns = [
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/new/", views.referral_create_inbound, name="referral_create_inbound"),
    path("<int:case_pk>/referrals/new/", views.referral_create_outbound, name="referral_create_outbound"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/accept/", views.referral_accept, name="referral_accept"),
    path("referrals/<int:pk>/decline/", views.referral_decline, name="referral_decline"),
    path("referrals/<int:pk>/report/", views.referral_report, name="referral_report"),
    path("referrals/<int:pk>/withdraw/", views.referral_withdraw, name="referral_withdraw"),
]
