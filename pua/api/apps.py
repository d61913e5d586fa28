from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "pua.api"
    label = "api"
    verbose_name = "API"
