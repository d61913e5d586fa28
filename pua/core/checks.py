from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def secret_key_is_set(app_configs, **kwargs):
    if getattr(settings, "SECRET_KEY_MISSING", False) and not settings.DEBUG:
        return [Error("SECRET_KEY must be set when DEBUG is off.", id="pua.E001")]
    return []
