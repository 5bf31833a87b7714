"""Browser tests: Playwright drives Debian's chromium against a live server on 127.0.0.1.

Run them with `make e2e` (it installs chromium with apt-get where /usr/bin/chromium is
missing). Every test that takes `browse` (or `page`) runs twice: with JavaScript and without.
HEARTH_SCREENSHOTS=1 writes the screenshots of docs/screenshots/ (normal runs write none).
"""

import collections
import os
import shutil
import tempfile

# Playwright's sync API keeps an event loop in the main thread; the ORM calls the tests
# make around it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The live server listens on the loopback address only.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

import pytest  # noqa: E402

from tests.conftest import PASSWORD  # noqa: E402

from .helpers import AXE_RESULTS  # noqa: E402

CHROMIUM = os.environ.get("HEARTH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--metrics-recording-only",
    "--no-default-browser-check",
    "--disable-dev-shm-usage",
    # Nothing leaves the machine, even a request the tests' routing misses: every address but
    # the loopback ones (which Chromium never sends to a proxy) goes to a closed local port,
    # and no host name is looked up.
    "--proxy-server=http://127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
# The quick exit leads to a neutral site; in the tests a local server on 127.0.0.1 stands in.
NEUTRAL_PAGE = b"<!DOCTYPE html><title>Neutral</title><p>A neutral page.</p>"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """A database file instead of SQLite's in-memory one.

    The live server answers each request in a thread of its own; with an in-memory database
    they would all share the test's one connection. A file gives each thread its own.
    """
    from django.db import connections

    settings = connections["default"].settings_dict
    folder = None
    if settings["ENGINE"] == "config.sqlite" and not settings["TEST"].get("NAME"):
        folder = tempfile.mkdtemp(prefix="hearth-e2e-")
        settings["TEST"]["NAME"] = os.path.join(folder, "e2e.sqlite3")
    yield
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make e2e` installs Debian's chromium package first.")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def neutral_site():
    """A stand-in for the neutral site of the quick exit, on 127.0.0.1; it keeps each visit."""
    import http.server
    import threading

    visits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            visits.append({"path": self.path, "referer": self.headers.get("Referer")})
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(NEUTRAL_PAGE)))
            self.end_headers()
            self.wfile.write(NEUTRAL_PAGE)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.url = f"http://127.0.0.1:{server.server_port}/"
    server.visits = visits
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _quick_exit_to_the_neutral_site(neutral_site, transactional_db):
    """The site's quick exit leads to the local stand-in (a fresh list of visits per test)."""
    from accounts.models import SiteSettings

    neutral_site.visits.clear()
    SiteSettings.objects.update_or_create(pk=1, defaults={"quick_exit_url": neutral_site.url + "wiki/Random"})


class Guard:
    """Every request of a context: to the live server or the neutral site, or refused."""

    def __init__(self, *origins):
        self.origins = [origin.rstrip("/") for origin in origins]
        self.foreign = []  # requests to anywhere else, refused

    def __call__(self, route):
        url = route.request.url
        if any(url == origin or url.startswith(origin + "/") for origin in self.origins):
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()


@pytest.fixture
def new_context(browser, live_server, neutral_site):
    """Return a function that opens a browser context (one person's browser) on the live server.

    Requests that leave the loopback address are refused and fail the test.
    """
    contexts = []

    def make(*, js=True, language="en", **options):
        options.setdefault("viewport", {"width": 1200, "height": 900})
        context = browser.new_context(
            base_url=live_server.url,
            java_script_enabled=js,
            locale=language,
            extra_http_headers={"Accept-Language": language},
            **options,
        )
        context.set_default_timeout(10_000)
        guard = Guard(live_server.url, neutral_site.url)
        context.route("**/*", guard)
        context.guard = guard
        context.hearth_js = js
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        foreign = context.guard.foreign
        context.close()
        assert not foreign, f"the page asked for addresses beyond the live server: {foreign}"


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def js(request):
    """Run the test with JavaScript on and off in the browser."""
    return request.param


@pytest.fixture
def browse(new_context, js):
    """Return a function giving a new page in a browser of its own (JavaScript per `js`)."""

    def make(**options):
        return new_context(js=js, **options).new_page()

    return make


@pytest.fixture
def page(browse):
    return browse()


def pytest_terminal_summary(terminalreporter):
    """axe-core's summary: pages checked per language, violations per impact, and where."""
    if not AXE_RESULTS:
        return
    tr = terminalreporter
    tr.section("axe-core accessibility summary")
    engine = AXE_RESULTS[0][4]
    by_language = collections.Counter(language for _l, language, *_rest in AXE_RESULTS)
    totals = collections.Counter()
    rules = collections.defaultdict(set)
    for label, language, counts, found, _engine in AXE_RESULTS:
        totals.update(counts)
        for rule, impact, _nodes in found:
            rules[(rule, impact)].add(f"{label} [{language}]")
    pages = ", ".join(f"{n} in {language}" for language, n in sorted(by_language.items()))
    distinct = len({label for label, *_rest in AXE_RESULTS})
    tr.write_line(f"axe-core {engine}: {len(AXE_RESULTS)} page checks of {distinct} pages ({pages})")
    impacts = ", ".join(f"{totals.get(i, 0)} {i}" for i in ("critical", "serious", "moderate", "minor"))
    tr.write_line(f"violations: {impacts} (any serious or critical one fails its test)")
    for (rule, impact), where in sorted(rules.items()):
        tr.write_line(f"  {rule} ({impact}) on {len(where)} page checks: {', '.join(sorted(where)[:6])}")


# People and places -----------------------------------------------------------------------


@pytest.fixture
def person(user_factory):
    """Return a function making a member past probation who has signed in before."""
    from django.utils import timezone

    from accounts import recovery

    def make(username, **fields):
        fields.setdefault("last_login", timezone.now())
        user = user_factory(username, **fields)
        recovery.regenerate(user)  # made on their first visit, as the site asks
        return user

    return make


@pytest.fixture
def moderator_with_2fa(person):
    """A global moderator whose authenticator app is set up; `.totp_secret` is its secret."""
    from .helpers import give_totp

    user = person("lantern", is_global_moderator=True)
    user.totp_secret = give_totp(user)
    return user


@pytest.fixture
def admin_with_2fa(db):
    from django.utils import timezone

    from accounts.models import User

    from .helpers import give_totp

    from accounts import recovery

    user = User.objects.create_superuser("keeper", PASSWORD, last_login=timezone.now())
    recovery.regenerate(user)
    user.totp_secret = give_totp(user)
    return user
