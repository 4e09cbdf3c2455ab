"""The forum's views, one module per area; the page routes (``faith_forum.models``) import them from here."""

from .events import (
    calendar_reset,
    event_detail,
    event_ics,
    forum_index,
    personal_feed,
    preferences,
    public_feed,
)
from .members import member_directory, members_page
from .membership import application_form

__all__ = [
    "application_form",
    "calendar_reset",
    "event_detail",
    "event_ics",
    "forum_index",
    "member_directory",
    "members_page",
    "personal_feed",
    "preferences",
    "public_feed",
]
