"""Refusals the booking and attendance rules give, with the words people see.

Tests reuse these constants, so a message changed here changes everywhere.
"""
from __future__ import annotations

MESSAGES = {
    "session_cancelled": "This session has been cancelled, so it cannot be booked.",
    "session_started": "This session has already started, so it can no longer be booked.",
    "deadline_passed": "Bookings for this session closed at {deadline}.",
    "already_booked": "You already have a place on this session.",
    "already_waiting": "You are already on the waiting list for this session.",
    "full": "This session is full. You can join the waiting list and we will email you if a place frees up.",
    "not_eligible": "This course is only for {groups}.",
    "closed_session": "This session is only for staff of {organisation}. Ask the Prevent team to book you a place.",
    "cancel_deadline": "Bookings can be cancelled online until {deadline}. After that, please contact the Prevent team.",
    "not_yours": "You can only cancel your own bookings.",
    "already_cancelled": "This booking has already been cancelled.",
    "no_colleagues": "Add at least one colleague's name and work email.",
    "too_many_colleagues": "You can book up to {limit} colleagues at once.",
    "duplicate_colleague": "{email} appears more than once.",
    "colleague_already_booked": "{name} ({email}) already has a place or is on the waiting list for this session.",
}


class BookingError(Exception):
    """A booking rule refused the request; ``code`` says which, ``message`` says why in plain words."""

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        self.message = MESSAGES[code].format(**params)
        super().__init__(self.message)
