from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "pua.governance"
    label = "governance"
    verbose_name = "Governance"

    def ready(self):
        from . import access  # noqa: F401  (registers the permission rules)
