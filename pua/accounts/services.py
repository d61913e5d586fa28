"""Writes on user accounts: the profile, the preferred language, sign-in events."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from pua.core.audit import audit_change, audit_record, diff, snapshot, snapshot_stored
from pua.core.concurrency import claim
from pua.core.models import AuditAction

from .token_services import api_tokens_revoke_all

PROFILE_FIELDS = ["first_name", "last_name", "email", "preferred_language"]


def user_login_recorded(*, user, request):
    audit_record(action=AuditAction.LOGIN, actor=user, request=request, obj=user)


def user_logout_recorded(*, user, request):
    audit_record(action=AuditAction.LOGOUT, actor=user, request=request, obj=user)


def user_login_failed_recorded(*, username: str, request):
    # The attempted username is staff data, kept so lockouts can be explained.
    audit_record(action=AuditAction.LOGIN_FAILED, actor_username=username or "", request=request)


@transaction.atomic
def user_update_profile(*, user, by, request=None, expected_version: int | None = None, **values):
    before = snapshot_stored(user, PROFILE_FIELDS)
    for name in PROFILE_FIELDS:
        if name in values:
            setattr(user, name, values[name])
    user.full_clean(exclude=["password"])
    claim(user, expected_version)
    user.save(update_fields=[n for n in PROFILE_FIELDS if n in values])
    changes = diff(before, snapshot(user, PROFILE_FIELDS))
    if changes:
        audit_change(action=AuditAction.UPDATE, actor=by, obj=user, changes=changes, request=request)
    return user


def user_set_language(*, user, language: str, request=None):
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unsupported language: {language}")
    if user.preferred_language != language:
        user_update_profile(user=user, by=user, request=request, preferred_language=language)


@transaction.atomic
def user_create(*, by, username: str, first_name: str = "", last_name: str = "", email: str = "",
                preferred_language: str = settings.LANGUAGE_CODE, password: str | None = None, request=None):
    User = get_user_model()
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        preferred_language=preferred_language,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_change(action=AuditAction.CREATE, actor=by, obj=user,
                 changes=diff({}, snapshot(user, ["username", *PROFILE_FIELDS])), request=request)
    return user


@transaction.atomic
def user_set_active(*, user, active: bool, by, request=None, expected_version: int | None = None):
    if user.is_active == active:
        return user
    user.is_active = active
    claim(user, expected_version)
    user.save(update_fields=["is_active"])
    audit_change(action=AuditAction.UPDATE, actor=by, obj=user,
                 changes={"is_active": [not active, active]}, request=request)
    return user


@transaction.atomic
def password_changed(*, user, by, request=None) -> None:
    """What follows a new password, however it was set (the change and reset
    forms save it themselves): the user's API keys stop working."""
    audit_change(action=AuditAction.UPDATE, actor=by, obj=user, changes={"password_changed": [False, True]},
                 request=request)
    api_tokens_revoke_all(user=user, by=by, request=request)
