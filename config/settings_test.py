"""Test-only speed-ups on top of the real settings."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Two-factor sign-in is not enforced for the suite, which signs users in with
# force_login and the password form and bounds the queries of each page (the
# check costs a query or two once per session). The tests of two-factor
# sign-in (pua/accounts/tests/test_two_factor.py, tests/browser/test_two_factor.py)
# switch it on with the settings fixture and test every enforcement path.
MFA_ENFORCED = False
MFA_REQUIRED_ROLES = ()
MFA_EXEMPT_DEMO_USERS = False
