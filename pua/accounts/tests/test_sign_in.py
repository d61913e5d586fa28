from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from pua.core.models import AuditEntry


def _sign_in(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password},
                       REMOTE_ADDR="10.0.0.1")


def test_it_signs_in_and_records_the_login(world, client):
    response = _sign_in(client, "director_a")
    assert response.status_code == 302
    assert response.url == reverse("home")
    entry = AuditEntry.objects.get(action="login")
    assert entry.actor == world.users["director"]


def test_it_records_a_failed_login_with_the_attempted_username(world, client):
    response = _sign_in(client, "director_a", "wrong-password")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="login_failed")
    assert entry.actor is None
    assert entry.actor_username == "director_a"


def test_it_locks_the_account_after_repeated_failures(world, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "director_a", "wrong-password")
    response = _sign_in(client, "director_a")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_signs_out_only_by_post_and_records_it(world, client):
    _sign_in(client, "director_a")
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="logout", actor=world.users["director"]).exists()
    assert client.get(reverse("home")).status_code == 302


def test_it_ends_idle_sessions(world, client, settings):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 == 30 * 60
    _sign_in(client, "director_a")
    assert client.get(reverse("home")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_renews_the_idle_timeout_on_activity(world, client):
    _sign_in(client, "director_a")
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))
    client.get(reverse("home"))
    remaining = Session.objects.get().expire_date - timezone.now()
    assert remaining > timedelta(minutes=29)


def test_it_sends_a_password_reset_link_by_email(world, client):
    user = world.users["director"]
    response = client.post(reverse("accounts:password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/" in mail.outbox[0].body


@pytest.mark.parametrize("password", ["short", "password1234", "123456789012"])
def test_it_rejects_weak_passwords(world, client, password):
    client.force_login(world.users["director"])
    response = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": password, "new_password2": password,
    })
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]


def test_it_keeps_the_language_chosen_by_the_user(world, client):
    user = world.users["social_expert"]
    client.force_login(user)
    assert client.get(reverse("home")).headers["Content-Language"] == "it"
    client.post(reverse("accounts:set_language"), {"language": "en", "next": reverse("home")})
    user.refresh_from_db()
    assert user.preferred_language == "en"
    response = client.get(reverse("home"))
    assert response.headers["Content-Language"] == "en"
    assert "My tasks and appointments" in response.content.decode()


def test_it_serves_italian_by_default(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.headers["Content-Language"] == "it"
    assert "Accedi" in response.content.decode()


def test_it_ignores_an_offsite_next_url_when_switching_language(client, db):
    response = client.post(reverse("accounts:set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response.url == reverse("home")


def test_it_saves_the_profile_and_audits_the_change(world, client):
    user = world.users["labour_expert"]
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {
        "first_name": "Giulia", "last_name": user.last_name, "email": user.email, "preferred_language": "it",
    })
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="update", object_type="accounts.user")
    assert entry.changes["first_name"][1] == "Giulia"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_sign_in_never_sends_to_another_site(world, client, target):
    response = client.post(reverse("accounts:login"), {"username": "director_a", "password": PASSWORD,
                                                       "next": target}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 302
    assert response.url == reverse("home")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/"])
def test_the_language_switch_never_sends_to_another_site(world, client, target):
    response = client.post(reverse("accounts:set_language"), {"language": "en", "next": target})
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_sign_out_goes_to_the_sign_in_page_whatever_next_says(world, client):
    client.force_login(world.users["director"])
    response = client.post(reverse("accounts:logout") + "?next=https://evil.example/", {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
