from django.urls import include, path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("profile/", views.profile, name="profile"),
    path("api-keys/", views.api_tokens, name="api_tokens"),
    path("api-keys/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("api-keys/<int:pk>/rotate/", views.api_token_rotate, name="api_token_rotate"),
    path("2fa/", include("pua.accounts.mfa_urls")),
    path("language/", views.set_language, name="set_language"),
    path("password/change/", views.password_change, name="password_change"),
    path("password/change/done/", views.password_change_done, name="password_change_done"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/done/", views.password_reset_done, name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("password/reset/complete/", views.password_reset_complete, name="password_reset_complete"),
]
