from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pua.core"
    label = "core"
    verbose_name = "Core"
