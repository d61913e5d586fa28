from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "pua.governance"
    label = "governance"
    verbose_name = "Governance"
