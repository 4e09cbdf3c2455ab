"""What the membership tests build: the forum page, faith organisations, forum events with attendance."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from crm.models import Organisation, OrganisationType
from events.models import Attendance, ReportingCategory, TrainingSession
from faith_forum.models import FaithForumPage, ForumEvent
from tests.factories import CoursePageFactory, OrganisationFactory, PageFactory

APPLICATION = {
    "faith": "sikh",
    "full_name": "Harjit Kaur",
    "job_role": "Secretary",
    "email": "harjit.kaur@gurdwara.example.org",
    "in_directory": "on",
    "share_address": "on",
}


class FaithForumPageFactory(PageFactory):
    class Meta:
        model = FaithForumPage

    title = "Faith Forum"
    slug = "faith-forum"
    introduction = "The borough's forum of places of worship and faith organisations."


def forum_page() -> FaithForumPage:
    return FaithForumPage.objects.first() or FaithForumPageFactory()


def faith_organisation(name="Central Gurdwara", **kwargs):
    """The faith organisation of that name (made once)."""
    found = Organisation.objects.filter(name=name).first()
    return found or OrganisationFactory(**{"name": name, "organisation_type": OrganisationType.FAITH, **kwargs})


def forum_session(*, starts_at: dt.datetime):
    course = CoursePageFactory(
        title=f"Faith Forum meeting {starts_at:%Y%m%d%H%M%S%f}", reporting_category=ReportingCategory.FORUM
    )
    session = TrainingSession.objects.create(
        course=course, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2), venue="Town Hall", capacity=40
    )
    ForumEvent.objects.create(session=session, title="Forum meeting", is_published=True)
    return session


def attended(*, on: dt.date, user=None, organisation=None, forum=True):
    """A certified attendance at a (forum) session that started at 18:00 on ``on``."""
    starts = timezone.make_aware(dt.datetime.combine(on, dt.time(18, 0)))
    if forum:
        session = forum_session(starts_at=starts)
    else:
        course = CoursePageFactory(reporting_category=ReportingCategory.WRAP)
        session = TrainingSession.objects.create(
            course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue="Town Hall", capacity=40
        )
    return Attendance.objects.create(
        session=session,
        user=user,
        organisation=organisation,
        full_name=user.get_full_name() if user else "Walk-in",
        email=user.email if user else "",
    )


LINK = re.compile(r"https?://\S+/accounts/password/reset/key/\S+")


def set_password_link(body: str) -> str:
    """The set-password link in an email body."""
    match = LINK.search(body)
    assert match, body
    return match.group(0)
