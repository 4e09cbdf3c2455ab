"""The audit-log actions of training records (written through ``crm.audit.audit_log``; registered in wagtail_hooks)."""

BOOKING_CREATE = "events.booking_create"
BOOKING_CANCEL = "events.booking_cancel"
BOOKING_PROMOTE = "events.booking_promote"
CHECKIN = "events.checkin"
CHECKIN_UNDO = "events.checkin_undo"
NO_SHOW = "events.no_show"
REGISTER_UPLOAD = "events.register_upload"
REGISTER_CLOSE = "events.register_close"
SESSION_DELETE = "events.session_delete"
PERSON_DATA_ERASE = "events.person_data_erase"
INVITATION_SEND = "events.invitation_send"
INVITATION_END = "events.invitation_end"

ACTIONS = {
    BOOKING_CREATE: ("Booked", "Booked a place"),
    BOOKING_CANCEL: ("Booking cancelled", "Cancelled a booking"),
    BOOKING_PROMOTE: ("Place from the waiting list", "Given a place from the waiting list"),
    CHECKIN: ("Checked in", "Marked present"),
    CHECKIN_UNDO: ("Check-in taken back", "Took back a mark of present (kept as history)"),
    NO_SHOW: ("No-show", "Marked as a no-show"),
    REGISTER_UPLOAD: ("Paper register uploaded", "Uploaded a paper register"),
    REGISTER_CLOSE: ("Register closed", "Closed the register"),
    SESSION_DELETE: ("Session deleted", "Deleted a session and what went with it"),
    PERSON_DATA_ERASE: ("Person's training data erased", "Erased a deleted person's training data"),
    INVITATION_SEND: ("Colleague invited", "Invited a colleague by email (a held place, not a booking)"),
    INVITATION_END: (
        "Colleague invitation answered or ended",
        "A colleague invitation was accepted, declined, withdrawn or expired",
    ),
}


def booking_kind(*, person, by) -> str:
    """Whose doing a booking change was: the person's own, a colleague's (their lead), or the team's."""
    from crm import roles

    if by is None:
        return "system"
    if by.pk == getattr(person, "pk", person):
        return "own"
    if roles.has_role(by, roles.PREVENT_ADMIN):
        return "team"
    return "colleague"
