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


PRIVACY_NOTICE = "<p>We use your name and work email only to run your training. <b>Retention: 6 years.</b></p>"


@pytest.fixture
def team_contact(wrap):
    """The team's contact details as the demo sets them: email and phone links in every footer."""
    from wagtail.models import Site

    from portal.models import TeamContactSettings

    contact = TeamContactSettings.for_site(Site.objects.get(is_default_site=True))
    contact.team_name = "Hammersmith & Fulham Prevent team"
    contact.email = "prevent@lbhf.example"
    contact.phone = "020 8753 0000"
    contact.address = "Hammersmith Town Hall\nKing Street\nLondon W6 9JU"
    contact.office_hours = "Monday to Friday, 9am to 5pm"
    contact.privacy_notice = PRIVACY_NOTICE
    contact.save()
    return contact


@pytest.fixture
def privacy_page(wrap):
    """The privacy notice page, where the demo puts it: /privacy/."""
    from tests.factories import StandardPageFactory

    return StandardPageFactory(title="Privacy notice", slug="privacy", introduction="How we use your details.")
