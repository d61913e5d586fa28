from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "pua.api"
    label = "api"
    verbose_name = "API"

    def ready(self):
        from .fields import bound_api_dates

        bound_api_dates()
