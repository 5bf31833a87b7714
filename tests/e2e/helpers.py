"""What the browser tests share: the axe audit, screenshots, two-factor codes, signing in."""

import collections
import os
import urllib.parse
from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# Filled by audit(), printed at the end of the run by conftest.pytest_terminal_summary.
AXE_RESULTS = []  # (label, language, {impact: count}, [(rule, impact, nodes)], "version, N rules")


def path_of(page):
    return urllib.parse.urlsplit(page.url).path


# Accessibility -------------------------------------------------------------------------

SERIOUS = ("serious", "critical")


def audit(page, label):
    """Run axe-core on the page; fail on a serious or critical violation; keep the counts.

    axe is injected through Playwright's evaluate (the DevTools protocol), which the page's
    Content-Security-Policy does not apply to: the site's own CSP stays as it is.
    """
    from axe_playwright_python.sync_playwright import Axe

    if not getattr(page.context, "hearth_js", True):
        return None  # axe runs in the page: only where JavaScript is on (the DOM is the same)
    results = Axe().run(page, options={"resultTypes": ["violations"]}).response
    language = page.locator("html").get_attribute("lang") or "?"
    counts = collections.Counter(v["impact"] for v in results["violations"])
    found = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in results["violations"]]
    rules = sum(len(results[kind]) for kind in ("violations", "passes", "incomplete", "inapplicable"))
    AXE_RESULTS.append((label, language, dict(counts), found, f"{results['testEngine']['version']}, {rules} rules"))
    bad = [f"{rule} ({impact}): {nodes}" for rule, impact, nodes in found if impact in SERIOUS]
    assert not bad, f"axe on {label} [{language}] {page.url}:\n" + "\n".join(bad)
    return results


def screenshot(page, name, *, full_page=False):
    """Save docs/screenshots/<name>.png when HEARTH_SCREENSHOTS=1 (other runs write nothing)."""
    if os.environ.get("HEARTH_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=full_page)



# Two-factor sign-in ---------------------------------------------------------------------


def totp_code(secret):
    """Return the code an authenticator app shows now, computed as django-allauth checks it.

    allauth accepts only the current 30-second step (no tolerance): near the end of a step,
    wait for the next one rather than type a code that expires on the way.
    """
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = app_settings.TOTP_PERIOD
    if period - time.time() % period < 3:
        time.sleep(period - time.time() % period + 0.2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def give_totp(user):
    """Set up an authenticator for `user` as the setup page would; return its secret."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


# People ---------------------------------------------------------------------------------


def sign_in(page, username, password, *, totp_secret=None, language="en"):
    """Sign in through the header's link and the sign-in form, as a person would.

    In English the fields are found by their labels (which checks the labels too); in other
    languages by their names, since the words are the translators'.
    """
    from playwright.sync_api import expect

    page.goto("/")
    if language == "en":
        page.get_by_role("link", name="Sign in").click()
        page.get_by_label("Pseudonym").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
    else:
        page.locator(".site-nav a[href^='/accounts/login/']").click()
        page.locator("main [name=login]").fill(username)
        page.locator("main [name=password]").fill(password)
        page.locator("main form button[type=submit]").click()
    if totp_secret is not None:
        audit(page, "two-factor sign-in")
        code = page.get_by_label("Code") if language == "en" else page.locator("main [name=code]")
        code.fill(totp_code(totp_secret))
        page.locator("main form button[type=submit]:not([form])").click()  # not "Cancel"
    expect(page.locator(".site-nav form[action='/accounts/logout/']")).to_be_visible()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    from playwright.sync_api import expect

    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def expect_message(page, text):
    """The status message at the top of the page (Django's messages)."""
    from playwright.sync_api import expect

    expect(page.locator("main .messages")).to_contain_text(text)
