"""However active, a session ends SESSION_MAX_AGE_HOURS after sign-in."""

import time

from django.urls import reverse

from conftest import PASSWORD
from pua.accounts.mfa_middleware import SESSION_SIGNED_IN_AT_KEY
from pua.core.models import AuditAction, AuditEntry

HOME = reverse("home")


def _sign_in(client, username):
    return client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD},
                       REMOTE_ADDR="10.0.0.1")


def _signed_in_hours_ago(client, hours):
    session = client.session
    session[SESSION_SIGNED_IN_AT_KEY] = int(time.time() - hours * 3600)
    session.save()


def test_the_default_lifetime_is_twelve_hours(settings):
    assert settings.SESSION_MAX_AGE_HOURS == 12


def test_sign_in_records_the_time(world, client):
    before = int(time.time())
    _sign_in(client, "director_a")
    assert before <= client.session[SESSION_SIGNED_IN_AT_KEY] <= int(time.time())


def test_an_active_session_within_the_lifetime_goes_on(world, client):
    _sign_in(client, "director_a")
    _signed_in_hours_ago(client, 11.9)
    assert client.get(HOME).status_code == 200


def test_a_session_older_than_the_lifetime_is_signed_out_with_a_message(world, client, english_personas):
    _sign_in(client, "director_a")
    _signed_in_hours_ago(client, 12.1)

    response = client.get("/people/", follow=False)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action=AuditAction.LOGOUT, actor__username="director_a").exists()
    page = client.get(response.url)
    assert "Your session has ended" in page.content.decode()
    assert client.get(HOME).status_code == 302


def test_the_lifetime_follows_the_setting(world, client, settings):
    settings.SESSION_MAX_AGE_HOURS = 1
    _sign_in(client, "director_a")
    _signed_in_hours_ago(client, 1.5)
    assert client.get(HOME).status_code == 302


def test_an_expired_session_gets_no_api_answer(world, client):
    _sign_in(client, "director_a")
    _signed_in_hours_ago(client, 13)
    assert client.get("/api/v1/me/").status_code in (401, 403)
    assert "_auth_user_id" not in client.session
