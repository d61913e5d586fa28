"""What every browser test does the same way: watch for errors, sign in,
tick a choice on its label."""

from playwright.sync_api import expect

from conftest import PASSWORD


def watch(page, problems):
    """Collect console errors, page errors and HTTP errors (CSP violations show as console errors)."""
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    return page


def sign_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/")


def choose(page, css):
    """Tick a radio button or a checkbox as a person does: on its label."""
    control = page.locator(css)
    page.locator(f"label[for='{control.get_attribute('id')}']").click()
    expect(control).to_be_checked()
