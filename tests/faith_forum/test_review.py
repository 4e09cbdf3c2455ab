"""Issue 14's review on the demo: small things a council officer or a forum member found wrong."""

import pytest

from crm import roles
from faith_forum.models import EventAudience
from tests.factories import UserFactory
from tests.faith_forum.forum_events_helpers import forum_course, forum_event, forum_page, member

pytestmark = pytest.mark.django_db


def test_a_signed_out_member_following_a_members_only_event_link_is_offered_sign_in(client):
    """From their calendar feed a member opens a members-only event signed out: not found (it must not be
    told apart from a missing page), but the page offers sign-in and brings them back to it."""
    page = forum_page()
    event = forum_event(forum_course(), audience=EventAudience.MEMBERS)
    url = page.url + page.reverse_subpage("event", args=[event.pk])
    missing = page.url + page.reverse_subpage("event", args=[event.pk + 100])

    first, second = client.get(url), client.get(missing)
    assert first.status_code == second.status_code == 404
    body = first.content.decode()
    assert f'href="/accounts/login/?next={url}"' in body

    def main(text, path):
        return text.split("<main")[1].split("</main>")[0].replace(path, "PATH")

    assert main(body, url) == main(second.content.decode(), missing)

    client.force_login(member())
    assert client.get(url).status_code == 200
    client.force_login(UserFactory(roles=[roles.LEARNER]))
    assert "sign in" not in client.get(url).content.decode().lower().split("<main")[1]
