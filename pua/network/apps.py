from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "pua.network"
    label = "network"
    verbose_name = "Network"

    def ready(self):
        from . import access  # noqa: F401  (registers the permission rules)
