"""Issue 9, item 18: a closed session's place is written once ("Fulham Cross Academy", not
"Fulham Cross Academy (Fulham Cross Academy)") on the session cards of *Sessions I run*."""

import html
import re

import pytest
from django.urls import reverse

from crm import roles
from events.models import SessionVisibility
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def card_text(content: str, session) -> str:
    [card] = re.findall(rf'<li class="card mb-2" data-session="{session.pk}">(.*?)</li>', content, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", card).split())


@pytest.fixture
def school():
    return OrganisationFactory(name="Fulham Cross Academy", organisation_type="school", urn="100123")


def test_a_closed_session_held_at_its_school_names_the_school_once(client, make_session, make_user, school):
    trainer = make_user(roles.TRAINER)
    at_school = make_session(
        days=5, venue="Fulham Cross Academy", visibility=SessionVisibility.CLOSED, organisation=school
    )
    in_its_hall = make_session(
        days=6, venue="Fulham Cross Academy, Main Hall", visibility=SessionVisibility.CLOSED, organisation=school
    )
    elsewhere = make_session(
        days=7, venue="Hammersmith Town Hall", visibility=SessionVisibility.CLOSED, organisation=school
    )
    for session in (at_school, in_its_hall, elsewhere):
        session.trainers.add(trainer)
    client.force_login(trainer)
    content = client.get(reverse("events:my_sessions")).content.decode()

    assert card_text(content, at_school).count("Fulham Cross Academy") == 1
    assert "(Fulham Cross Academy)" not in card_text(content, at_school)
    assert card_text(content, in_its_hall).count("Fulham Cross Academy") == 1
    assert "Fulham Cross Academy, Main Hall" in card_text(content, in_its_hall)
    # Held somewhere else: who it is for still says something, so it stays.
    assert "Hammersmith Town Hall (Fulham Cross Academy)" in card_text(content, elsewhere)


def test_the_register_names_a_closed_sessions_school_once(client, make_session, make_user, school):
    trainer = make_user(roles.TRAINER)
    at_school = make_session(
        days=5, venue="Fulham Cross Academy", visibility=SessionVisibility.CLOSED, organisation=school
    )
    elsewhere = make_session(
        days=7, venue="Hammersmith Town Hall", visibility=SessionVisibility.CLOSED, organisation=school
    )
    for session in (at_school, elsewhere):
        session.trainers.add(trainer)
    client.force_login(trainer)

    def heading_line(session) -> str:
        content = client.get(reverse("events:register", args=[session.pk])).content.decode()
        [line] = re.findall(r'<p class="mb-3">(.*?)</p>', content, re.S)
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", line)).split())

    assert heading_line(at_school) == "Fulham Cross Academy"
    assert heading_line(elsewhere) == "Hammersmith Town Hall · for Fulham Cross Academy"
