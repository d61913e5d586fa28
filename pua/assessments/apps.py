from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "pua.assessments"
    verbose_name = _("Assessments")

    def ready(self):
        from . import access  # noqa: F401  (registers the permission rules)
