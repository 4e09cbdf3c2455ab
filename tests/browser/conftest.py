"""Fixtures for the browser journeys: the page tree back after a flush, the WRAP course, more phones."""

import pytest

from tests.conftest import PHONE
from tests.pagetree import restore_home_page


@pytest.fixture
def wrap():
    from events.demo import courses

    restore_home_page()
    return courses()["wrap"]


@pytest.fixture
def new_phone(browser, live_server):
    """Open another phone, with its own cookies, for a second or third person."""
    contexts = []

    def open_page():
        context = browser.new_context(viewport=PHONE, base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
