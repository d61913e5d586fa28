from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "pua.cases"
    verbose_name = _("Cases")

    def ready(self):
        from . import access  # noqa: F401  (registers the permission rules)
