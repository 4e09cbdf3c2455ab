"""Every write about the Faith Forum that carries a rule. Split by subject; import from here.

(``membership.py``: applications and memberships; ``rsvp.py``: forum events and replies; ``members_area.py``.)
"""

from .rsvp import (
    MAX_GUESTS,
    MESSAGES,
    ForumEventError,
    announcement_recipients,
    forum_calendar_reset,
    forum_event_create,
    forum_event_delete,
    forum_event_publish,
    forum_event_unpublish,
    forum_event_update,
    forum_preferences_set,
    may_rsvp,
    rsvp_membership,
    rsvp_set,
)

__all__ = [
    "MAX_GUESTS",
    "MESSAGES",
    "ForumEventError",
    "announcement_recipients",
    "forum_calendar_reset",
    "forum_event_create",
    "forum_event_delete",
    "forum_event_publish",
    "forum_event_unpublish",
    "forum_event_update",
    "forum_preferences_set",
    "may_rsvp",
    "rsvp_membership",
    "rsvp_set",
]
