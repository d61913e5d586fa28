"""Two-factor sign-in: enrolment, the second step after the password, recovery
codes, who is required to use it, security keys, removing a factor.

The suite runs with MFA_REQUIRED_ROLES empty (config/settings_test.py); the
tests of enforcement switch it to the production roles."""

import time

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from conftest import PASSWORD
from pua.core.models import AuditAction, AuditEntry

from .two_factor_support import PRODUCTION_REQUIRED_ROLES, app_of, security_key_of, totp_code

HOME = reverse("home")
VERIFY = reverse("accounts:mfa_verify")
OVERVIEW = reverse("accounts:mfa_overview")
ADD_APP = reverse("accounts:mfa_totp_add")
RECOVERY = reverse("accounts:mfa_recovery_codes")


@pytest.fixture(autouse=True)
def enforced(settings):
    settings.MFA_ENFORCED = True
    return settings


@pytest.fixture
def required(settings):
    settings.MFA_REQUIRED_ROLES = PRODUCTION_REQUIRED_ROLES
    return settings


def _sign_in(client, username, password=PASSWORD, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password, **extra},
                       REMOTE_ADDR="10.0.0.1")


def _verified(client):
    return client.session.get("otp_device_id") is not None


# --- enrolment --------------------------------------------------------------------------------


def test_enrolment_shows_a_qr_code_and_the_key_and_confirms_the_app_with_its_code(world, client):
    user = world.users["partner_operator"]
    client.force_login(user)
    page = client.get(ADD_APP)
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "<?xml" not in body
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert page.context["secret"].replace(" ", "") in body.replace(" ", "")

    response = client.post(ADD_APP, {"name": "Telefono", "code": totp_code(device)})

    assert response.status_code == 302 and response.url == RECOVERY
    device.refresh_from_db()
    assert device.confirmed and device.name == "Telefono"
    assert _verified(client)
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="otp_totp.totpdevice").exists()


def test_enrolment_keeps_the_same_secret_until_confirmed(world, client):
    client.force_login(world.users["partner_operator"])
    first = client.get(ADD_APP).context["secret"]
    assert client.get(ADD_APP).context["secret"] == first


def test_enrolment_refuses_a_wrong_code_and_counts_it(world, client):
    user = world.users["partner_operator"]
    client.force_login(user)
    client.get(ADD_APP)
    device = TOTPDevice.objects.get(user=user)
    wrong = f"{(int(totp_code(device)) + 1) % 1000000:06d}"

    response = client.post(ADD_APP, {"code": wrong})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    device.refresh_from_db()
    assert not device.confirmed
    assert device.throttling_failure_count == 1


# --- signing in -------------------------------------------------------------------------------


def test_an_enrolled_user_is_asked_for_a_code_after_the_password(world, client):
    user = world.users["partner_operator"]
    device = app_of(user)

    response = _sign_in(client, user.username, next="/people/")
    assert response.status_code == 302
    held = client.get("/people/")
    assert held.status_code == 302 and held.url.startswith(VERIFY)
    page = client.get(held.url)
    assert page.status_code == 200
    assert 'name="code"' in page.content.decode()

    response = client.post(VERIFY, {"code": totp_code(device), "next": "/people/"})

    assert response.status_code == 302 and response.url == "/people/"
    assert _verified(client)
    assert client.get(HOME).status_code == 200


def test_a_wrong_code_is_refused_counted_and_recorded(world, client):
    user = world.users["partner_operator"]
    device = app_of(user)
    _sign_in(client, user.username)
    wrong = f"{(int(totp_code(device)) + 1) % 1000000:06d}"

    response = client.post(VERIFY, {"code": wrong})

    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert not _verified(client)
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED, actor=user).exists()
    assert client.get(HOME).status_code == 302


def test_the_right_code_is_refused_while_throttled(world, client):
    user = world.users["partner_operator"]
    device = app_of(user)
    device.throttle_increment()
    device.throttle_increment()
    _sign_in(client, user.username)

    response = client.post(VERIFY, {"code": totp_code(device)})

    assert response.status_code == 200
    assert not _verified(client)


def test_the_verification_page_never_sends_to_another_site(world, client):
    user = world.users["partner_operator"]
    device = app_of(user)
    _sign_in(client, user.username)
    response = client.post(VERIFY, {"code": totp_code(device), "next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == HOME


def test_a_recovery_code_works_once(world, client, django_user_model):
    user = world.users["partner_operator"]
    device = app_of(user)
    _sign_in(client, user.username)
    client.post(VERIFY, {"code": totp_code(device)})
    page = client.post(RECOVERY)
    codes = page.context["codes"]
    assert len(codes) == 10 and StaticToken.objects.filter(device__user=user).count() == 10
    assert "data:text/plain" in page.content.decode()
    client.post(reverse("accounts:logout"))

    _sign_in(client, user.username)
    response = client.post(VERIFY, {"code": codes[0].upper()})
    assert response.status_code == 302 and _verified(client)
    assert StaticToken.objects.filter(device__user=user).count() == 9
    client.post(reverse("accounts:logout"))

    _sign_in(client, user.username)
    StaticDevice.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    response = client.post(VERIFY, {"code": codes[0]})
    assert response.status_code == 200 and not _verified(client)


def test_recovery_codes_are_not_shown_again(world, client):
    user = world.users["partner_operator"]
    device = app_of(user)
    _sign_in(client, user.username)
    client.post(VERIFY, {"code": totp_code(device)})
    codes = client.post(RECOVERY).context["codes"]
    page = client.get(RECOVERY).content.decode()
    assert not any(code in page for code in codes)


def test_a_user_with_only_a_security_key_is_offered_it_at_sign_in(world, client):
    user = world.users["partner_operator"]
    security_key_of(user)
    _sign_in(client, user.username)

    page = client.get(VERIFY).content.decode()

    assert 'id="passkey-verification-placeholder"' in page
    assert reverse("otp_webauthn:credential-authentication-begin") in page
    assert 'name="code"' not in page
    assert client.get(HOME).status_code == 302


def test_the_security_key_endpoints_answer_signed_in_users(world, client):
    user = world.users["partner_operator"]
    security_key_of(user)
    _sign_in(client, user.username)
    begin = client.post(reverse("otp_webauthn:credential-authentication-begin"))
    assert begin.status_code == 200 and begin.json()["challenge"]
    assert begin.json()["allowCredentials"]

    other = world.users["board_viewer"]
    client.force_login(other)
    registration = client.post(reverse("otp_webauthn:credential-registration-begin"))
    assert registration.status_code == 200
    assert registration.json()["rp"]["name"] == "PUA"


def test_the_security_key_endpoints_refuse_anonymous_users(world, client):
    assert client.post(reverse("otp_webauthn:credential-registration-begin")).status_code in (401, 403)
    assert client.post(reverse("otp_webauthn:credential-authentication-begin")).status_code in (401, 403)


def test_an_unverified_session_cannot_add_a_second_factor(world, client):
    user = world.users["partner_operator"]
    app_of(user)
    _sign_in(client, user.username)
    for url in (ADD_APP, reverse("accounts:mfa_webauthn_add"), RECOVERY, OVERVIEW):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(VERIFY)
    assert client.post(reverse("otp_webauthn:credential-registration-begin")).status_code == 403


# --- who must use it --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["director", "social_expert", "labour_expert", "outreach_operator", "admin"])
def test_required_roles_are_sent_to_enrol_and_reach_nothing_else(world, client, required, role):
    user = world.users[role]
    _sign_in(client, user.username)

    for url in (HOME, "/people/", reverse("accounts:profile")):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(OVERVIEW), url
    assert client.get(OVERVIEW).status_code == 200
    assert client.get(ADD_APP).status_code == 200
    language = client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})
    assert language.status_code == 302


def test_a_superuser_must_enrol(world, client, required, django_user_model):
    django_user_model.objects.create_superuser("tecnico", "tecnico@example.org", PASSWORD)
    _sign_in(client, "tecnico")
    response = client.get(HOME)
    assert response.status_code == 302 and response.url.startswith(OVERVIEW)


def test_a_required_user_gets_in_after_enrolling(world, client, required):
    user = world.users["director"]
    _sign_in(client, user.username)
    client.get(ADD_APP)
    device = TOTPDevice.objects.get(user=user)
    client.post(ADD_APP, {"code": totp_code(device)})
    assert client.get(HOME).status_code == 200

    client.post(reverse("accounts:logout"))
    _sign_in(client, user.username)
    assert client.get(HOME).url.startswith(VERIFY)
    client.post(VERIFY, {"code": totp_code(device, steps_ahead=1)})
    assert client.get(HOME).status_code == 200


def test_the_api_with_a_session_answers_403_until_the_second_factor(world, client, required):
    _sign_in(client, world.users["director"].username)
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert response.json()["code"] == "two_factor_required"


def test_the_api_with_a_token_is_not_held(world, required):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("apitoken", world.users["director"].username, stdout=out)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}")
    assert api.get("/api/v1/me/").status_code == 200


@pytest.mark.parametrize("role", ["partner_operator", "board_viewer", "regional_coordinator"])
def test_other_roles_are_invited_but_not_held(world, client, required, role):
    _sign_in(client, world.users[role].username)
    page = client.get(HOME)
    assert page.status_code == 200
    assert 'id="two-factor-notice"' in page.content.decode()

    client.post(reverse("accounts:mfa_notice_dismiss"), {"next": HOME})
    assert 'id="two-factor-notice"' not in client.get(HOME).content.decode()


def test_the_invitation_is_not_shown_to_enrolled_users(world, client):
    user = world.users["partner_operator"]
    device = app_of(user)
    _sign_in(client, user.username)
    client.post(VERIFY, {"code": totp_code(device)})
    assert 'id="two-factor-notice"' not in client.get(HOME).content.decode()


def test_demo_users_are_exempt_only_with_debug(world, client, required, django_user_model):
    from pua.network.models import Membership

    demo = django_user_model.objects.create_user("direttore", "direttore@example.org", PASSWORD)
    Membership.objects.create(user=demo, organisation=world.home_org_a, role="director")
    required.MFA_EXEMPT_DEMO_USERS = True

    required.DEBUG = False
    _sign_in(client, "direttore")
    assert client.get(HOME).status_code == 302
    client.post(reverse("accounts:logout"))

    required.DEBUG = True
    _sign_in(client, "direttore")
    assert client.get(HOME).status_code == 200


# --- managing factors -------------------------------------------------------------------------


def test_the_two_factor_page_is_linked_from_the_profile(world, client):
    client.force_login(world.users["partner_operator"])
    assert OVERVIEW in client.get(reverse("accounts:profile")).content.decode()
    assert client.get(OVERVIEW).status_code == 200


def test_removing_a_factor_needs_the_password_or_a_code(world, client):
    user = world.users["partner_operator"]
    device = app_of(user)
    key = security_key_of(user)
    _sign_in(client, user.username)
    client.post(VERIFY, {"code": totp_code(device)})
    client.post(RECOVERY)
    url = reverse("accounts:mfa_device_remove", args=["key", key.pk])

    refused = client.post(url, {"confirmation": "not-my-password"})
    assert refused.status_code == 200 and refused.context["form"].errors
    assert user.webauthncredential_set.filter(pk=key.pk).exists()

    time.sleep(1.1)  # past the throttling delay of the wrong attempt
    removed = client.post(url, {"confirmation": PASSWORD})
    assert removed.status_code == 302
    assert not user.webauthncredential_set.filter(pk=key.pk).exists()
    assert StaticDevice.objects.filter(user=user).exists()

    time.sleep(1.1)
    client.post(reverse("accounts:mfa_device_remove", args=["app", device.pk]),
                {"confirmation": totp_code(device, steps_ahead=1)})
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists(), "recovery codes go with the last factor"


def test_nobody_removes_another_users_factor(world, client):
    other = app_of(world.users["director"])
    client.force_login(world.users["partner_operator"])
    url = reverse("accounts:mfa_device_remove", args=["app", other.pk])
    assert client.post(url, {"confirmation": PASSWORD}).status_code == 404
    assert client.get(reverse("accounts:mfa_device_remove", args=["nothing", 1])).status_code == 404
    assert TOTPDevice.objects.filter(pk=other.pk).exists()


def test_production_settings_enforce_two_factor_for_casework_roles_and_administrators():
    import config.settings as production

    assert production.MFA_ENFORCED is True
    assert set(production.MFA_REQUIRED_ROLES) == set(PRODUCTION_REQUIRED_ROLES)
    assert production.OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN is False
    assert "django_otp.middleware.OTPMiddleware" in production.MIDDLEWARE
    middleware = production.MIDDLEWARE
    assert middleware.index("django_otp.middleware.OTPMiddleware") < middleware.index(
        "pua.accounts.mfa_middleware.TwoFactorMiddleware")


def test_an_htmx_request_of_a_held_session_loads_the_whole_verification_page(world, client):
    user = world.users["partner_operator"]
    app_of(user)
    _sign_in(client, user.username)
    response = client.get("/people/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(VERIFY)
