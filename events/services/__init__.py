"""Every write that carries a business rule about training: booking, scheduling, attendance, mandatory training.

Split by subject; import from here (``from events.services import booking_create``).
"""

from .attendance import (
    CheckInResult,
    attendance_confirm,
    attendance_record,
    attendance_undo,
    can_run_checkin,
    checkin_link_attendance,
    checkin_link_claim,
    checkin_window_check,
    desk_mark,
    register_close,
    self_check_in,
    ticket_check,
    ticket_check_in,
    walk_in_attendance_link,
)
from .booking import (
    booking_cancel,
    booking_create,
    calendar_subscription_reset,
    is_team,
    reminders_send,
)
from .invitations import (
    INVITATIONS_PER_DAY,
    MAX_COLLEAGUES,
    colleagues_invite,
    invitation_accept,
    invitation_decline,
    invitation_from_token,
    invitation_token,
    invitation_withdraw,
    invitations_expire,
    may_invite_colleagues,
)
from .lessons import lesson_mark
from .registers import booking_no_show_mark, register_upload_apply
from .reminders import requirement_reminders_send, team_summary_send, training_reminders_send
from .requirements import external_certificate_review, external_certificate_submit
from .sessions import (
    INVITATION_FIELDS,
    SessionRun,
    checkin_mode_set,
    checkin_token_regenerate,
    session_delete,
    session_run_create,
    session_run_dates,
    session_save,
)

__all__ = [
    "CheckInResult",
    "attendance_confirm",
    "attendance_record",
    "attendance_undo",
    "can_run_checkin",
    "checkin_link_attendance",
    "checkin_link_claim",
    "checkin_window_check",
    "desk_mark",
    "register_close",
    "self_check_in",
    "ticket_check",
    "ticket_check_in",
    "walk_in_attendance_link",
    "booking_cancel",
    "booking_create",
    "calendar_subscription_reset",
    "INVITATIONS_PER_DAY",
    "MAX_COLLEAGUES",
    "colleagues_invite",
    "invitation_accept",
    "invitation_decline",
    "invitation_from_token",
    "invitation_token",
    "invitation_withdraw",
    "invitations_expire",
    "may_invite_colleagues",
    "is_team",
    "reminders_send",
    "lesson_mark",
    "booking_no_show_mark",
    "register_upload_apply",
    "requirement_reminders_send",
    "team_summary_send",
    "training_reminders_send",
    "external_certificate_review",
    "external_certificate_submit",
    "INVITATION_FIELDS",
    "SessionRun",
    "checkin_mode_set",
    "checkin_token_regenerate",
    "session_run_create",
    "session_delete",
    "session_run_dates",
    "session_save",
]
