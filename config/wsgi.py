import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402
from django.core.exceptions import ImproperlyConfigured  # noqa: E402

if settings.SECRET_KEY_MISSING and not settings.DEBUG:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
