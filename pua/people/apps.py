from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "pua.people"
    label = "people"
    verbose_name = _("People")

    def ready(self):
        from . import access  # noqa: F401  (registers the permission rules)
