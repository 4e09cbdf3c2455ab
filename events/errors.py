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
    "not_yours": "You can only cancel your own bookings and those of colleagues you booked.",
    "already_cancelled": "This booking has already been cancelled.",
    "attended": "This booking cannot be cancelled: the person was marked present at the session. "
    "If that mark was a mistake, the session's trainer can take it back on the check-in desk first.",
    "no_colleagues": "Add at least one colleague's work email.",
    "too_many_colleagues": "You can invite up to {limit} colleagues at once.",
    "duplicate_colleague": "{email} appears more than once.",
    # Colleague invitations
    "invite_unverified": "Confirm your own email address before inviting colleagues: "
    "use the link we emailed you when you signed up, or ask for a new one in My account.",
    "invite_no_organisation": "Add your organisation in My account before inviting colleagues: "
    "invitations go to colleagues at your organisation.",
    "invite_yourself": "Your own address is in the list. Book your own place with the Book button instead.",
    "invitation_limit": "You can invite up to {limit} colleagues in 24 hours, and you have {left} invitations left today. "
    "Invite fewer, try again tomorrow, or ask the Prevent team to book a larger group.",
    "already_invited": "You have already invited {email} to this session; they have not answered yet.",
    "invitation_accepted": "This invitation has already been accepted. The place is in My training.",
    "invitation_declined": "This invitation was declined, so it can no longer be accepted. "
    "You can book a place yourself if any are left.",
    "invitation_withdrawn": "This invitation was withdrawn, so it can no longer be accepted. "
    "You can book a place yourself if any are left.",
    "invitation_expired": "This invitation has expired and its place was given back. "
    "You can book a place yourself if any are left.",
    "invitation_other_person": "This invitation was sent to a different email address from the one you are "
    "signed in with. Sign out, then sign in (or create an account) with the address the invitation was sent to.",
    "invitation_unverified": "Confirm your email address first (use the link we emailed you), "
    "then open the invitation again.",
    # Check-in at the door
    "ticket_unknown": "This ticket code is not recognised. It may have been mistyped or altered: "
    "look the person up on the check-in desk instead.",
    "checkin_code_unknown": "This check-in code is not recognised. It may have been replaced: "
    "scan the QR code shown in the room, or ask the trainer.",
    "ticket_cancelled": "This booking was cancelled, so it does not give a place on the session.",
    "ticket_waiting": "This person is on the waiting list and has no place on the session yet.",
    "wrong_session": "This ticket is for {session}, not this session.",
    "not_your_session": "You are not a trainer on {session}, so you cannot check people in to it.",
    "checkin_session_cancelled": "This session was cancelled, so nobody can be checked in.",
    "checkin_not_open": "Check-in for this session opens at {opens}.",
    "checkin_closed": "Check-in for this session closed at {closes}. Ask the trainer to add you to the register.",
    "walk_ins_closed": "This session is only for people who booked, and we could not find a booking for {email}. "
    "Please speak to the trainer.",
    "walk_ins_sign_in": "This session is only for people who booked. Sign in with the account you booked with "
    "to check in, or ask the trainer to mark you on the register.",
    "screen_code_needed": "Type the code shown on the screen in the room, or scan the QR code beside it.",
    "screen_code_wrong": "That is not the code on the screen now: it changes every few seconds. "
    "Type the code the screen shows now, or scan the QR code again.",
    "self_checkin_busy": "Too many check-ins have come from this session's code in the last few minutes. "
    "Wait a minute and try again, or ask the trainer to mark you on the register.",
    "checkin_link_unknown": "This link is not recognised or has expired. Ask the trainer to mark you on the register.",
    "checkin_link_taken": "You are already marked present at this session; this link changes nothing.",
    "confirm_clash": "{email} is already marked present at this session, so this mark cannot be confirmed too. "
    "Take back the one that is wrong.",
    "not_a_trainer": "{name} does not have the Trainer role, so could not run the check-in desk. "
    "Give them the role in Users first, or choose someone else.",
    "register_not_over": "The register can be closed once the session has ended ({ends}).",
    # Registers: paper register upload. Row numbers are as the spreadsheet shows them (headings in row 1).
    "register_upload_too_early": "A paper register can be uploaded once the session has started ({starts}).",
    "register_file_type": "The paper register must be a CSV file or an Excel workbook (.xlsx); {name} is neither. "
    'In Excel, use File > Save As and choose "CSV UTF-8" or "Excel Workbook".',
    "register_file_too_big": "The file is {size}; the most a paper register can be is {limit}. "
    "Remove other sheets and pictures, or save it as CSV.",
    "register_file_unreadable": "{name} could not be read as {kind}. Open it in Excel and save it again "
    'as "CSV UTF-8" or "Excel Workbook" (.xlsx).',
    "register_file_empty": "The file is empty. Put the column headings name, email and attended in row 1, "
    "then one person per row.",
    "register_file_no_headings": "Row {row} should hold the column headings, but these are missing: {missing}. "
    "Every paper register needs the columns name, email and attended.",
    "register_file_duplicate_heading": "Row {row}: there are two columns called '{column}'. Keep one of them.",
    "register_file_too_many_rows": "The file has more than {limit} people in it. Split it into smaller files.",
    "register_file_no_people": "The file has column headings but nobody under them: put one person per row.",
    "register_row_no_name": "Row {row}, column '{column}': the name is missing.",
    "register_row_no_email": "Row {row}, column '{column}': the email address is missing.",
    "register_row_bad_email": "Row {row}, column '{column}': '{value}' is not an email address.",
    "register_row_duplicate_email": "Row {row}, column '{column}': {value} is also on row {first}. "
    "Each person should be on the register once.",
    "register_row_bad_attended": "Row {row}, column '{column}': '{value}' is not an answer we recognise. "
    "Use yes or no (also y/n, true/false, 1/0, present/absent, x for present, or leave it blank for no).",
    "register_row_bad_organisation_type": "Row {row}, column '{column}': '{value}' is not an organisation type. "
    "Use one of: {choices}; or leave it blank.",
    "register_row_too_long": "Row {row}, column '{column}': this is longer than {limit} characters.",
}


class BookingError(Exception):
    """A booking rule refused the request; ``code`` says which, ``message`` says why in plain words."""

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        self.message = MESSAGES[code].format(**params)
        super().__init__(self.message)


class CheckInError(BookingError):
    """A check-in at the door was refused; the scanner shows ``message`` on a red screen."""
