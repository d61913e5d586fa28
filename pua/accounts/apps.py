from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pua.accounts"
    label = "accounts"
    verbose_name = "Accounts"
