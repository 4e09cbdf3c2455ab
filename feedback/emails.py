"""The feedback request email, stored in the outbox inside the caller's transaction (``crm.outbox``)."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone

from events.links import absolute_url
from events.models import Attendance
from events.team import reply_to, sender, team_context

from .links import feedback_url


def feedback_request(attendance: Attendance) -> None:
    """Ask one person marked present for their feedback, with their own signed link."""
    session = attendance.session
    person = attendance.user
    to = person.email if person is not None else attendance.email
    name = (person.first_name if person is not None else attendance.full_name.split(" ")[0]) or ""
    context = {
        "name": name,
        "session": session,
        "course": session.course,
        "starts": timezone.localtime(session.starts_at),
        "feedback_url": feedback_url(attendance),
        "needs_sign_in": person is not None,
        "base_url": absolute_url(""),
        **team_context(),
    }
    body = render_to_string("feedback/email/feedback_request.txt", context)
    EmailMessage(
        subject=f"How was it? {session.course.title}, {context['starts']:%-d %B %Y}",
        body=body,
        from_email=sender(context),
        to=[to],
        reply_to=reply_to(context),
    ).send()
