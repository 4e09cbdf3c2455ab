"""The trainer's side of the door: their sessions, the check-in desk, the session QR poster."""
from __future__ import annotations

__all__ = [
    "my_sessions", "checkin_desk", "desk_state", "desk_mark_view", "desk_scan", "session_poster", "session_qr",
    "checkin_code_reset",
]


def _todo(*args, **kwargs):  # replaced by the check-in work in progress
    raise NotImplementedError


my_sessions = checkin_desk = desk_state = desk_mark_view = desk_scan = session_poster = session_qr = _todo
checkin_code_reset = _todo
