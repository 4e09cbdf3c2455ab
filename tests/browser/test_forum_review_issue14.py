"""Issue 14's review in a browser: what a council officer or a forum member found wrong on the demo."""

import pytest

from tests.browser.helpers import sign_in
from tests.conftest import axe_violations
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desktop_page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_header_links_are_readable_on_a_desktop(desktop_page, wrap):
    """Bootstrap's dark navbar dims its links to 2.4:1 on the blue; at desktop width they show (not folded)."""
    desktop_page.goto("/")
    assert desktop_page.get_by_role("link", name="Sign in").is_visible()
    assert axe_violations(desktop_page) == []
    sign_in(desktop_page, UserFactory())
    assert desktop_page.get_by_role("link", name="My account").is_visible()
    assert axe_violations(desktop_page) == []
