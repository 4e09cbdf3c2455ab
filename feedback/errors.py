"""Refusals the feedback rules give, with the words people see.

Tests reuse these constants, so a message changed here changes everywhere.
"""

from __future__ import annotations

# How long after a session ends its feedback stays open.
FEEDBACK_OPEN_DAYS = 30
# The most a written answer may hold.
TEXT_LIMIT = 2000

MESSAGES = {
    "link_unknown": "This feedback link is not recognised. It may have been copied only in part: "
    "open it again from the email or from My training.",
    "not_present": "We have no record of you at this session any more, so there is no feedback to give. "
    "If you were there, ask the trainer to mark you on the register.",
    "session_cancelled": "This session was cancelled, so there is no feedback to give.",
    "no_form": "This course does not ask for feedback.",
    "closed": "Feedback for this session closed on {closed}, {days} days after it ended.",
    "already_answered": "Feedback for this session has already been given from this link. Thank you.",
    "sign_in": "Sign in with the account you attended with to give your feedback.",
    "other_person": "This feedback link is for someone else's attendance. Sign out, then sign in with "
    "the account that was at the session.",
    "anonymous_only": "You checked in by typing your details at the door, and the trainer has not confirmed them, "
    "so your answers are kept anonymously.",
    "answers_invalid": "Some answers need changing: see the messages beside them.",
}

# What is wrong with one answer, shown beside its question.
ANSWER_MESSAGES = {
    "required": "Answer this question.",
    "rating": "Choose a number from 1 (poor) to 5 (excellent).",
    "yes_no": "Choose yes or no.",
    "choice": "Choose one of the answers listed.",
    "too_long": "Keep this to {limit} characters; it has {length}.",
}
# The personal-data guard (crm.text.personal_data_check) worded for feedback.
PERSONAL_DATA_IN_FEEDBACK = (
    "This looks like {kind} ({found}). Feedback is kept without anyone's contact details: please take it out."
)


class FeedbackError(Exception):
    """A feedback rule refused the answer; ``code`` says which, ``message`` says why in plain words."""

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        self.message = MESSAGES[code].format(**params)
        super().__init__(self.message)


class FeedbackInvalid(FeedbackError):
    """Answers that do not fit their questions: ``errors`` maps each question's id to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("answers_invalid")
        self.errors = errors
