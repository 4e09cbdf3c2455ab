"""The forum's views, split by subject; the page routes (``faith_forum.models``) import them from here."""

from .events import (
    calendar_reset,
    event_detail,
    event_ics,
    forum_index,
    personal_feed,
    preferences,
    public_feed,
)

__all__ = [
    "calendar_reset",
    "event_detail",
    "event_ics",
    "forum_index",
    "personal_feed",
    "preferences",
    "public_feed",
]
