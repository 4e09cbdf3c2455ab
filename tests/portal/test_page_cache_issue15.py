"""Issue 15: anonymous visitors' public pages are kept whole, and every change they show drops them."""

import datetime as dt

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction, Site

from crm import roles
from events.models import ReportingCategory, TrainingSession
from events.services import booking_cancel, booking_create, session_save
from portal.models import TeamContactSettings
from tests.factories import CoursePageFactory, StandardPageFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


@pytest.fixture
def page_cache_on():
    from django.core.cache import cache

    cache.clear()
    # A running site has its contact settings row; the first page would otherwise make it (a change).
    TeamContactSettings.for_site(Site.objects.get(is_default_site=True))
    with override_settings(PORTAL_PAGE_CACHE_SECONDS=60):
        yield
    cache.clear()


@pytest.fixture
def wrap(db):
    return CoursePageFactory(title="WRAP", slug="wrap", reporting_category=ReportingCategory.WRAP)


@pytest.fixture
def session(wrap):
    starts = timezone.now() + dt.timedelta(days=7)
    return TrainingSession.objects.create(
        course=wrap, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue="Town Hall", capacity=10
    )


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def test_second_anonymous_visit_is_served_whole_without_a_query(client, wrap, session):
    first, _ = get(client, wrap.url)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    second, queries = get(client, wrap.url)
    assert second["X-Page-Cache"] == "hit" and queries == 0
    assert second.content == first.content
    # The headers the stack gave it the first time come with it.
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_signed_in_people_are_never_given_a_kept_page_nor_give_one(client, wrap, session):
    get(client, wrap.url)  # kept for anonymous visitors
    learner = UserFactory(roles=[roles.LEARNER], first_name="Lena")
    client.force_login(learner)
    response, queries = get(client, wrap.url)
    assert "X-Page-Cache" not in response and queries > 0
    assert b"Lena" in response.content or b"My training" in response.content
    client.logout()
    anonymous, _ = get(client, wrap.url)
    assert b"Lena" not in anonymous.content


def test_publishing_a_page_drops_the_kept_copy(client, wrap, session):
    get(client, wrap.url)
    wrap.summary = "A new summary the editor just published."
    wrap.save_revision().publish()
    response, _ = get(client, wrap.url)
    assert response["X-Page-Cache"] == "miss"
    assert b"A new summary the editor just published." in response.content


def test_unpublishing_and_restricting_drop_the_kept_copy(client):
    page = StandardPageFactory(title="About us", slug="about-us")
    url = page.url
    assert get(client, url)[0].status_code == 200
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    assert get(client, url)[0].status_code == 302  # now sends anonymous visitors to sign in
    PageViewRestriction.objects.filter(page=page).delete()
    assert get(client, url)[0].status_code == 200
    page.unpublish()
    assert get(client, url)[0].status_code == 404


def test_a_session_change_drops_the_kept_copy(client, wrap, session):
    assert b"Town Hall" in get(client, wrap.url)[0].content
    session.venue = "Fulham Library"
    session_save(session=session, by=UserFactory(roles=[roles.PREVENT_ADMIN]))
    response, _ = get(client, wrap.url)
    assert b"Fulham Library" in response.content and b"Town Hall" not in response.content


def test_a_booking_changes_the_places_left(client, wrap, session):
    assert b"10 places left" in get(client, wrap.url)[0].content
    learner = UserFactory(roles=[roles.LEARNER])
    booking = booking_create(session=session, user=learner)
    assert b"9 places left" in get(client, wrap.url)[0].content
    booking_cancel(booking=booking, by=learner)
    assert b"10 places left" in get(client, wrap.url)[0].content


def test_the_team_contact_details_in_the_footer(client, wrap):
    get(client, wrap.url)
    settings = TeamContactSettings.for_site(Site.objects.get(is_default_site=True))
    settings.phone = "020 7946 0999"
    settings.save()
    assert b"020 7946 0999" in get(client, wrap.url)[0].content


def test_a_page_holding_a_csrf_token_is_never_kept(client):
    first, _ = get(client, "/accounts/login/")
    assert first.status_code == 200
    second, queries = get(client, "/accounts/login/")
    assert "X-Page-Cache" not in second or second["X-Page-Cache"] != "hit"
    # And a visitor holding only a CSRF cookie still gets kept public pages.
    page = StandardPageFactory(title="Privacy", slug="privacy-page")
    get(client, page.url)
    assert get(client, page.url)[0]["X-Page-Cache"] == "hit"


def test_personal_and_never_cache_pages_are_not_kept(client):
    response, _ = get(client, "/healthz")
    assert "X-Page-Cache" not in response


def test_a_visitor_with_a_session_cookie_is_not_given_a_kept_page(client, wrap):
    get(client, wrap.url)
    client.cookies["sessionid"] = "not-a-real-session"
    response, queries = get(client, wrap.url)
    assert "X-Page-Cache" not in response and queries > 0


def test_off_when_seconds_is_zero(client, wrap):
    with override_settings(PORTAL_PAGE_CACHE_SECONDS=0):
        get(client, wrap.url)
        response, queries = get(client, wrap.url)
    assert "X-Page-Cache" not in response and queries > 0


def test_header_and_footer_page_lookups_are_kept_until_a_page_changes(rf, wrap):
    from django.contrib.auth.models import AnonymousUser

    from portal.context_processors import navigation

    request = rf.get("/")
    request.user = AnonymousUser()
    with CaptureQueriesContext(connection) as first:
        links = navigation(request)
    assert links["privacy_url"] is None and links["training_url"]
    with CaptureQueriesContext(connection) as second:
        assert navigation(request)["training_url"] == links["training_url"]
    assert len(first) >= 2 and len(second) == 0
    privacy = StandardPageFactory(title="Privacy notice", slug="privacy")
    assert navigation(request)["privacy_url"] == privacy.url
