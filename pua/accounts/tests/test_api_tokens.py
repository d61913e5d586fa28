"""API keys: stored hashed, shown once, expiring, revocable by their owner,
revoked by a password change; the Django admin shows no secret."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from pua.accounts.models import ApiToken
from pua.accounts.token_services import api_token_create, token_digest
from pua.core.models import AuditEntry
from pua.network.tests.factories import UserFactory

PAGE = reverse("accounts:api_tokens")
PASSWORD = "una-Password-lunga-2026"


def _client_with(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def _assert_refused(response):
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.fixture
def director(world):
    return world.users["director"]


@pytest.fixture
def issued(director):
    return api_token_create(user=director, name="gestionale", by=director)


def test_it_stores_a_digest_and_a_prefix_never_the_secret(issued):
    stored = ApiToken.objects.values().get(pk=issued.token.pk)

    assert issued.secret not in [str(value) for value in stored.values()]
    assert stored["digest"] == token_digest(issued.secret) != issued.secret
    assert stored["prefix"] == issued.secret[:8]


def test_it_accepts_a_live_key_and_records_its_use_at_most_once_a_minute(issued):
    client = _client_with(issued.secret)

    assert client.get("/api/v1/me/").json()["username"] == "director_a"
    first_use = ApiToken.objects.get(pk=issued.token.pk).last_used_at
    assert first_use is not None
    client.get("/api/v1/me/")
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at == first_use


def test_it_refuses_an_expired_key(issued):
    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    _assert_refused(_client_with(issued.secret).get("/api/v1/me/"))


def test_it_makes_keys_expire_after_the_configured_days(director, settings):
    settings.API_TOKEN_TTL_DAYS = 7

    token = api_token_create(user=director, name="breve", by=director).token

    assert timedelta(days=6, hours=23) < token.expires_at - timezone.now() <= timedelta(days=7)


def test_it_refuses_a_revoked_key(issued, director, login):
    login(director).post(reverse("accounts:api_token_revoke", args=[issued.token.pk]))

    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is not None
    _assert_refused(_client_with(issued.secret).get("/api/v1/me/"))


def test_it_refuses_every_key_after_a_password_change(issued, director, login):
    director.set_password(PASSWORD)
    director.save()
    other = api_token_create(user=director, name="script", by=director)

    response = login(director).post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": "altra-Password-lunga-2027",
        "new_password2": "altra-Password-lunga-2027",
    })

    assert response.status_code == 302
    _assert_refused(_client_with(issued.secret).get("/api/v1/me/"))
    _assert_refused(_client_with(other.secret).get("/api/v1/me/"))


def test_it_refuses_the_keys_of_a_deactivated_user(issued, director):
    director.is_active = False
    director.save(update_fields=["is_active"])

    _assert_refused(_client_with(issued.secret).get("/api/v1/me/"))


def test_it_refuses_a_malformed_authorization_header(world):
    _assert_refused(_client_with("one two").get("/api/v1/me/"))


def test_it_shows_the_secret_once_on_creation_and_never_again(director, login):
    client = login(director)

    created = client.post(PAGE, {"name": "Gestionale cooperativa"})

    token = ApiToken.objects.get(user=director)
    body = created.content.decode()
    secret = body.split('id="issued-secret"')[1].split('value="')[1].split('"')[0]
    assert token_digest(secret) == token.digest
    assert "no-store" in created["Cache-Control"]
    listed = client.get(PAGE).content.decode()
    assert "Gestionale cooperativa" in listed and token.prefix in listed
    assert secret not in listed
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {secret}").status_code == 200


def test_it_asks_for_a_name(director, login):
    response = login(director).post(PAGE, {"name": "  "})

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_it_rotates_a_key_under_the_same_name(issued, director, login):
    response = login(director).post(reverse("accounts:api_token_rotate", args=[issued.token.pk]))

    assert response.status_code == 200
    old, new = ApiToken.objects.filter(user=director).order_by("id")
    assert old.revoked_at is not None and new.revoked_at is None
    assert new.name == "gestionale"
    _assert_refused(_client_with(issued.secret).get("/api/v1/me/"))


def test_it_lets_nobody_revoke_or_see_another_users_keys(issued, world, login):
    client = login(world.users["admin"])

    assert client.post(reverse("accounts:api_token_revoke", args=[issued.token.pk])).status_code == 404
    assert client.post(reverse("accounts:api_token_rotate", args=[issued.token.pk])).status_code == 404
    assert "gestionale" not in client.get(PAGE).content.decode()
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is None


def test_it_audits_creation_and_revocation_without_the_secret(director, login):
    client = login(director)
    client.post(PAGE, {"name": "Gestionale"})
    token = ApiToken.objects.get(user=director)
    client.post(reverse("accounts:api_token_revoke", args=[token.pk]))

    entries = AuditEntry.objects.filter(object_type="accounts.apitoken", object_id=str(token.pk))
    assert sorted(entries.values_list("action", flat=True)) == ["create", "delete"]
    assert all(e.actor_username == "director_a" for e in entries)
    for entry in entries:
        assert token.digest not in str(entry.changes)
        assert entry.changes.get("prefix", [None, token.prefix])[1] == token.prefix


def test_it_links_the_api_keys_page_from_the_profile(director, login):
    assert PAGE in login(director).get(reverse("accounts:profile")).content.decode()


def test_it_sends_anonymous_visitors_to_sign_in(client, world):
    response = client.get(PAGE)

    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_it_shows_no_secret_in_the_django_admin(issued, client):
    superuser = UserFactory(username="tecnico", is_staff=True, is_superuser=True)
    client.force_login(superuser)

    listing = client.get("/admin/accounts/apitoken/")
    detail = client.get(f"/admin/accounts/apitoken/{issued.token.pk}/change/")

    assert listing.status_code == detail.status_code == 200
    for page in (listing, detail):
        body = page.content.decode()
        assert issued.secret not in body and issued.token.digest not in body
    assert issued.token.prefix in detail.content.decode()
    assert client.get("/admin/authtoken/tokenproxy/").status_code == 404
    assert client.post("/admin/accounts/apitoken/add/", {"name": "x"}).status_code == 403


def test_it_prints_a_new_secret_from_the_command_and_stores_only_its_digest(world):
    out = StringIO()
    call_command("apitoken", "director_a", "--name", "nightly export", stdout=out)
    secret = out.getvalue().strip()

    token = ApiToken.objects.get(user=world.users["director"])
    assert token.name == "nightly export" and token.digest == token_digest(secret)
    assert _client_with(secret).get("/api/v1/me/").status_code == 200


def test_it_revokes_the_same_named_key_when_the_command_rotates(world):
    first, second = StringIO(), StringIO()
    call_command("apitoken", "director_a", stdout=first)
    call_command("apitoken", "director_a", "--rotate", stdout=second)

    _assert_refused(_client_with(first.getvalue().strip()).get("/api/v1/me/"))
    assert _client_with(second.getvalue().strip()).get("/api/v1/me/").status_code == 200


def test_it_refuses_every_key_after_a_password_reset(issued, director, client):
    uid = urlsafe_base64_encode(force_bytes(director.pk))
    token = default_token_generator.make_token(director)
    link = client.get(reverse("accounts:password_reset_confirm", args=[uid, token]))

    response = client.post(link["Location"], {"new_password1": PASSWORD, "new_password2": PASSWORD})

    assert response.status_code == 302
    _assert_refused(_client_with(issued.secret).get("/api/v1/me/"))
