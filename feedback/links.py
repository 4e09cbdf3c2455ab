"""The feedback link: a signed token that names one attendance, for the email, the thank-you screen and My training.

The token carries the attendance's id and the account it belonged to when the link was made (or
none, for a walk-in without an account). It is signed (``django.core.signing``, its own salt), so it
cannot be made up or changed; it does not expire by itself (feedback closes by the session's date,
``feedback.services``). A link made for an account stops working if the attendance later loses that
account (the person was erased), so an old email cannot answer for a mark that names nobody now.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

from events.links import absolute_url
from events.models import Attendance

from .errors import FeedbackError

TOKEN_SALT = "feedback.link"


@dataclass(frozen=True)
class FeedbackLink:
    attendance_id: int
    user_id: int | None


def feedback_token(attendance: Attendance) -> str:
    return signing.dumps({"a": attendance.pk, "u": attendance.user_id}, salt=TOKEN_SALT, compress=True)


def feedback_path(attendance: Attendance) -> str:
    return reverse("feedback:answer", args=[feedback_token(attendance)])


def feedback_url(attendance: Attendance) -> str:
    """The link as a full address, for an email."""
    return absolute_url(feedback_path(attendance))


def feedback_link_read(token: str) -> FeedbackLink:
    """What a token names; ``FeedbackError("link_unknown")`` when it was not made here or was changed."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT)
        return FeedbackLink(attendance_id=int(data["a"]), user_id=data.get("u"))
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise FeedbackError("link_unknown") from error
