"""Issue 9, item 1: a restricted page says who it is for and how to get access; the training
index lists restricted courses to people who cannot open them as "For elected Members"."""

import datetime as dt

import pytest
from django.utils import timezone
from wagtail.models import Site

from crm import roles
from events.models import ReportingCategory, TrainingSession
from portal.models import TeamContactSettings
from tests.factories import CoursePageFactory, StandardPageFactory, TrainingIndexPageFactory

pytestmark = pytest.mark.django_db

TEAM_EMAIL = "prevent@lbhf.example"


@pytest.fixture
def team_contact(db):
    contact = TeamContactSettings.for_site(Site.objects.get(is_default_site=True))
    contact.team_name = "Hammersmith & Fulham Prevent team"
    contact.email = TEAM_EMAIL
    contact.save()
    return contact


@pytest.fixture
def training(db):
    index = TrainingIndexPageFactory(slug="training")
    wrap = CoursePageFactory(parent=index, title="WRAP", slug="wrap", audience="Frontline council staff")
    member = CoursePageFactory(
        parent=index,
        title="Prevent training for elected Members",
        slug="member-training",
        audience="Councillors",
        reporting_category=ReportingCategory.MEMBER,
        restricted_to=[roles.ELECTED_MEMBER, roles.PREVENT_ADMIN],
    )
    return index, wrap, member


@pytest.fixture
def member_areas(db):
    forum = StandardPageFactory(
        title="Faith Forum", slug="faith-forum", restricted_to=[roles.FAITH_FORUM_MEMBER, roles.PREVENT_ADMIN]
    )
    pag = StandardPageFactory(
        title="Prevent Advisory Group", slug="advisory-group", restricted_to=[roles.PAG_MEMBER, roles.PREVENT_ADMIN]
    )
    return forum, pag


def test_audience_names_the_roles_a_restriction_is_for_leaving_out_the_team():
    assert roles.audience([roles.ELECTED_MEMBER, roles.PREVENT_ADMIN]) == "elected Members"
    assert roles.audience([roles.FAITH_FORUM_MEMBER]) == "Faith Forum members"
    assert roles.audience([roles.PAG_MEMBER, roles.FAITH_FORUM_MEMBER]) == (
        "Faith Forum members and Prevent Advisory Group members"
    )
    assert roles.audience([roles.PREVENT_ADMIN]) == "the Prevent team"
    assert roles.audience(["Borough safeguarding leads"]) == "the Borough safeguarding leads group"


@pytest.mark.parametrize(
    ("url", "audience"),
    [
        ("/training/member-training/", "This page is for elected Members."),
        ("/faith-forum/", "This page is for Faith Forum members."),
        ("/advisory-group/", "This page is for Prevent Advisory Group members."),
    ],
)
def test_refusal_says_who_the_page_is_for_and_how_to_get_access(
    client, make_user, team_contact, training, member_areas, url, audience
):
    client.force_login(make_user(roles.LEARNER))
    response = client.get(url)
    assert response.status_code == 403
    content = response.content.decode()
    assert audience in content
    assert "To get access, contact the Hammersmith &amp; Fulham Prevent team" in content
    assert f'<a href="mailto:{TEAM_EMAIL}">{TEAM_EMAIL}</a>' in content


def test_forum_member_is_told_the_advisory_group_page_is_for_its_members(client, make_user, member_areas):
    client.force_login(make_user(roles.FAITH_FORUM_MEMBER))
    assert client.get("/faith-forum/").status_code == 200
    response = client.get("/advisory-group/")
    assert response.status_code == 403
    assert "This page is for Prevent Advisory Group members." in response.content.decode()


def test_refusal_without_contact_details_still_says_contact_the_team(client, make_user, training):
    client.force_login(make_user(roles.LEARNER))
    content = client.get("/training/member-training/").content.decode()
    assert "This page is for elected Members." in content
    assert "To get access, contact the Prevent team." in content
    assert "mailto:" not in content.split("<main", 1)[1].split("</main>", 1)[0]


def test_other_refusals_keep_their_plain_reason(client, make_user):
    client.force_login(make_user(roles.LEARNER))
    response = client.get("/teaching/")
    assert response.status_code == 403
    content = response.content.decode()
    assert "Your account does not have the role this page needs." in content
    assert "This page is for" not in content


def course_card(content: str, title: str) -> str:
    """The training index's card for one course."""
    start = content.index(title)
    return content[content.rindex("<article", 0, start) : content.index("</article>", start)]


def test_index_lists_the_member_course_to_a_learner_as_for_elected_members_without_a_link(client, make_user, training):
    index, wrap, member = training
    client.force_login(make_user(roles.LEARNER))
    content = client.get(index.url).content.decode()
    card = course_card(content, member.title)
    assert "For elected Members" in card
    assert f'href="{member.url}"' not in content
    # Open courses keep their link.
    assert f'href="{wrap.url}"' in course_card(content, wrap.title)


@pytest.mark.parametrize("role", [roles.ELECTED_MEMBER, roles.PREVENT_ADMIN])
def test_index_links_the_member_course_for_people_who_may_see_it(client, make_user, training, role):
    index, wrap, member = training
    client.force_login(make_user(role))
    content = client.get(index.url).content.decode()
    card = course_card(content, member.title)
    assert f'href="{member.url}"' in card
    assert client.get(member.url).status_code == 200


def test_index_offers_signed_out_people_the_sign_in_for_the_member_course(client, training):
    index, wrap, member = training
    content = client.get(index.url).content.decode()
    card = course_card(content, member.title)
    assert "For elected Members" in card
    assert f'href="{member.url}"' not in content
    assert f'href="/accounts/login/?next={member.url}"' in card


def test_index_keeps_each_courses_own_who_it_is_for_and_hides_restricted_dates(client, make_user, training):
    index, wrap, member = training
    starts = timezone.now() + dt.timedelta(days=9)
    for course in (wrap, member):
        TrainingSession.objects.create(
            course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue="Town Hall"
        )
    client.force_login(make_user(roles.LEARNER))
    content = client.get(index.url).content.decode()
    wrap_card, member_card = course_card(content, wrap.title), course_card(content, member.title)
    assert "Frontline council staff" in wrap_card
    assert "Councillors" in member_card
    assert "1 coming up" in wrap_card
    assert "coming up" not in member_card and "Next session" not in member_card
    client.force_login(make_user(roles.ELECTED_MEMBER))
    assert "1 coming up" in course_card(client.get(index.url).content.decode(), member.title)
