"""Two-factor sign-in in the browser: a director enrols an authenticator app
and signs in with its code; a partner registers a security key (Chromium's
virtual authenticator) and signs in with it."""

import time
from base64 import b32decode

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import TOTP
from playwright.sync_api import expect

from conftest import PASSWORD
from pua.accounts.tests.two_factor_support import PRODUCTION_REQUIRED_ROLES
from pua.core.models import AuditAction, AuditEntry

pytestmark = pytest.mark.browser


def _code_from_secret(secret_text: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key typed in from the page."""
    secret = secret_text.replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key)
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def _accessible(page):
    """No serious or critical WCAG 2.1 A/AA violation on the page shown."""
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    serious = [f"{v['id']} on {page.url}" for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == []


def _watch(page):
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return problems


def _password_step(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()


def test_a_director_enrols_an_authenticator_app_and_signs_in_with_a_code(world, live_server, page, settings):
    settings.MFA_ENFORCED = True
    settings.MFA_REQUIRED_ROLES = PRODUCTION_REQUIRED_ROLES
    base = live_server.url
    problems = _watch(page)
    world.users["director"].preferred_language = "en"
    world.users["director"].save()

    _password_step(page, base, "director_a")
    expect(page).to_have_url(f"{base}/accounts/2fa/?next=%2F")
    expect(page.locator("main .alert-warning")).to_contain_text("Your role requires two-factor sign-in")
    _accessible(page)

    page.get_by_role("link", name="Add an authenticator app").click()
    expect(page.locator("figure.pua-qr svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    _accessible(page)
    page.get_by_label("Name of this device").fill("Work phone")
    page.get_by_label("Code shown by the app").fill(_code_from_secret(secret))
    page.get_by_role("button", name="Confirm and add").click()

    expect(page.locator("h1")).to_have_text("Recovery codes")
    page.get_by_role("button", name="Generate codes").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    _accessible(page)
    expect(page.get_by_role("link", name="Download as text")).to_have_attribute("download", "pua-recovery-codes.txt")

    page.goto(f"{base}/")
    expect(page.locator("header")).to_contain_text("PUA Alfa")
    page.locator("#logout-button").click()

    _password_step(page, base, "director_a")
    expect(page.locator("h1")).to_have_text("Confirm your sign-in")
    _accessible(page)
    page.get_by_label("Code").fill(_code_from_secret(secret, steps_ahead=1))
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(f"{base}/")
    expect(page.locator("header")).to_contain_text("PUA Alfa")
    assert problems == []


def test_a_partner_registers_a_security_key_and_signs_in_with_it(world, live_server, page, settings):
    settings.MFA_ENFORCED = True
    base = live_server.url
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [base.replace("127.0.0.1", "localhost")]
    base = settings.OTP_WEBAUTHN_ALLOWED_ORIGINS[0]
    world.users["partner_operator"].preferred_language = "en"
    world.users["partner_operator"].save()
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "usb", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True, "automaticPresenceSimulation": True,
    }})
    problems = _watch(page)

    _password_step(page, base, "partner_operator_a")
    expect(page).to_have_url(f"{base}/")
    expect(page.locator("#two-factor-notice")).to_be_visible()
    _accessible(page)
    page.goto(f"{base}/accounts/2fa/key/add/")
    expect(page.get_by_role("button", name="Register a security key")).to_be_visible()
    _accessible(page)
    page.get_by_role("button", name="Register a security key").click()
    expect(page).to_have_url(f"{base}/accounts/2fa/", timeout=15000)
    expect(page.locator("main")).not_to_contain_text("No security key yet.")
    assert AuditEntry.objects.filter(action=AuditAction.CREATE,
                                     object_type="django_otp_webauthn.webauthncredential").exists()
    page.locator("#logout-button").click()

    _password_step(page, base, "partner_operator_a")
    expect(page.locator("h1")).to_have_text("Confirm your sign-in")
    page.get_by_role("button", name="Use my security key").click()
    expect(page).to_have_url(f"{base}/", timeout=15000)
    expect(page.locator("header")).to_contain_text("PUA Alfa")
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN, actor=world.users["partner_operator"],
                                     changes__two_factor="webauthncredential").exists()
    assert problems == []
