import os
import shutil
import threading
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread

from crm import roles
from tests.factories import UserFactory

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make between browser steps are still ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 800}


class _OneRequestAtATimeServer(ThreadedWSGIServer):
    """The live server, answering one request at a time when it shares the tests' in-memory SQLite.

    On SQLite every request thread uses the test's one connection. Two requests at once (a page's
    POST while the admin still fetches its /admin/jsi18n/) interleave their savepoints, and the
    connection breaks for every later test. A lock around the application keeps them apart; on
    PostgreSQL each thread has its own connection and nothing waits.
    """

    def set_app(self, application):
        if not self.connections_override:
            return super().set_app(application)
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                return application(environ, start_response)

        return super().set_app(one_at_a_time)


LiveServerThread.server_class = _OneRequestAtATimeServer


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth's rate limits live in the cache: each test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_user(db):
    """Make a signed-up, verified user holding the given roles."""

    def make(*role_names, **fields):
        return UserFactory(roles=role_names, **fields)

    return make


@pytest.fixture
def team_admin(make_user):
    return make_user(roles.PREVENT_ADMIN)


def pytest_collection_modifyitems(config, items):
    on_postgres = connection.vendor == "postgresql"
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://..."))


# --- Browser ---------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM} (make test installs it when run as root)")
    if not AXE_JS.exists():
        pytest.skip("axe-core is not installed: run npm ci")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A fresh page on a 360 x 800 phone viewport, pointed at the live server."""
    context = browser.new_context(viewport=PHONE, base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


# A page is still moving while it loads, while a message is fading in (Wagtail shows its
# "created" message by a CSS transition once its script marks the page ready) or while any
# animation that ends is running; axe reading colours mid-fade sees a half-transparent message.
SETTLED = """() => document.readyState === 'complete'
    && [...document.querySelectorAll('.messages > ul')].every(ul => getComputedStyle(ul).opacity === '1')
    && document.getAnimations().every(a =>
        a.playState !== 'running' || !isFinite(a.effect ? a.effect.getComputedTiming().endTime : Infinity))"""


def settle(page, timeout: float = 5_000) -> None:
    """Wait until the page has stopped moving (see SETTLED); after ``timeout`` ms, go on as it is."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    try:
        page.wait_for_function(SETTLED, timeout=timeout)
    except PlaywrightTimeoutError:
        pass


def inject_axe(page) -> None:
    """Load axe-core (from npm) into the page through the DevTools protocol, once the page has settled.

    Not a <script> tag: the site's Content-Security-Policy refuses inline script, as it should.
    """
    settle(page)
    page.evaluate("() => {" + AXE_JS.read_text(encoding="utf-8") + "\n}")


def axe_violations(page, impacts=("serious", "critical")):
    """Run axe-core (from npm) in the page; return the violations of the given impacts."""
    inject_axe(page)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in impacts
    ]


def page_overflows(page) -> bool:
    """True when the page is wider than its viewport (sideways scrolling on a phone)."""
    return page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
