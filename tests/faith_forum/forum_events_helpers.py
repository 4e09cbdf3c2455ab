"""What the forum event tests build: the forum page, a forum course, members and events."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Group
from django.utils import timezone

from crm import roles
from events.models import ReportingCategory, TrainingSession
from faith_forum.models import (
    EventAudience,
    EventKind,
    FaithForumPage,
    ForumEvent,
    ForumMembership,
    ForumRepresentative,
    MembershipStatus,
)
from tests.factories import CoursePageFactory, OrganisationFactory, PageFactory, UserFactory


class FaithForumPageFactory(PageFactory):
    class Meta:
        model = FaithForumPage

    title = "Faith Forum"
    slug = "faith-forum"
    introduction = "The borough's forum of places of worship and faith organisations."
    joining = "Any place of worship or faith organisation in the borough may join."


def forum_page() -> FaithForumPage:
    return FaithForumPage.objects.first() or FaithForumPageFactory()


def forum_course(title="Faith Forum meeting", slug="faith-forum-meeting"):
    """A forum course under the training index, restricted to members and the team, as the design says."""
    return CoursePageFactory(
        title=title,
        slug=slug,
        reporting_category=ReportingCategory.FORUM,
        summary="Meetings of the borough's Faith Forum.",
        restricted_to=[roles.FAITH_FORUM_MEMBER, roles.PREVENT_ADMIN],
    )


def membership(name="Central Gurdwara", *, status=MembershipStatus.ACTIVE, faith="sikh", **fields) -> ForumMembership:
    return ForumMembership.objects.create(
        organisation=OrganisationFactory(name=name), faith=faith, status=status, **fields
    )


def member(of: ForumMembership | None = None, **fields):
    """A representative of a member organisation, holding the Faith Forum member role."""
    person = UserFactory(roles=[roles.FAITH_FORUM_MEMBER], **fields)
    ForumRepresentative.objects.create(membership=of or membership(), user=person, role="Trustee")
    return person


def forum_event(
    course,
    *,
    days=10,
    title="Forum meeting",
    audience=EventAudience.MEMBERS,
    published=True,
    places_limited=False,
    capacity=40,
    trainers=(),
    **fields,
) -> ForumEvent:
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=days)
    session = TrainingSession.objects.create(
        course=course,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        venue=fields.pop("venue", "Central Gurdwara"),
        address=fields.pop("address", "62 Queens Road, W6"),
        online_url=fields.pop("online_url", ""),
        capacity=capacity,
        places_limited=places_limited,
    )
    session.trainers.set(trainers)
    fields.setdefault("kind", EventKind.MEETING)
    fields.setdefault("accessibility_notes", "Step-free entrance on Queens Road.")
    fields.setdefault("dietary_notes", "Langar (vegetarian) served; heads covered, shoes off.")
    return ForumEvent.objects.create(session=session, title=title, audience=audience, is_published=published, **fields)


def faith_group():
    return Group.objects.get(name=roles.FAITH_FORUM_MEMBER)
