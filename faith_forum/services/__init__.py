"""Every write about the Faith Forum that carries a rule. Split by subject; import from here.

(``membership.py``: applications and memberships; ``rsvp.py``: forum events and replies;
``members_area.py``: the members-only pages' restriction.) Each area has
its own error and messages: ``MembershipError`` with ``MEMBERSHIP_MESSAGES``, ``ForumEventError`` with
``EVENT_MESSAGES``.
"""

from .members_area import MEMBERS_AREA_ROLES, members_area_restrict, needs_own_restriction
from .membership import (
    APPLICATIONS_PER_HOUR,
    DECLINED_WAIT_DAYS,
    MEMBERSHIP_ACTIONS,
    LapseRun,
    MembershipError,
    application_approve,
    application_decline,
    application_submit,
    application_throttled,
    faith_organisations,
    membership_leave,
    memberships_lapse,
    normalise_email,
    representative_add,
    representative_remove,
    set_password_url,
)
from .membership import MESSAGES as MEMBERSHIP_MESSAGES
from .rsvp import (
    MAX_GUESTS,
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
from .rsvp import MESSAGES as EVENT_MESSAGES

__all__ = [
    "APPLICATIONS_PER_HOUR",
    "DECLINED_WAIT_DAYS",
    "EVENT_MESSAGES",
    "ForumEventError",
    "LapseRun",
    "MAX_GUESTS",
    "MEMBERSHIP_ACTIONS",
    "MEMBERSHIP_MESSAGES",
    "MEMBERS_AREA_ROLES",
    "MembershipError",
    "announcement_recipients",
    "application_approve",
    "application_decline",
    "application_submit",
    "application_throttled",
    "faith_organisations",
    "forum_calendar_reset",
    "forum_event_create",
    "forum_event_delete",
    "forum_event_publish",
    "forum_event_unpublish",
    "forum_event_update",
    "forum_preferences_set",
    "may_rsvp",
    "membership_leave",
    "members_area_restrict",
    "memberships_lapse",
    "needs_own_restriction",
    "normalise_email",
    "representative_add",
    "representative_remove",
    "rsvp_membership",
    "rsvp_set",
    "set_password_url",
]
