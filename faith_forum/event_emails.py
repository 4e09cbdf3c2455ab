"""Emails about forum events that the events app does not send itself: the announcement of a new event.

Replies' confirmations, changes, cancellations and the two-day reminder are the events app's
booking emails (``events.emails``). Sending stores each message in the outbox inside the
caller's transaction (``crm.outbox.OutboxBackend``), as the events app's emails are.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from events.links import absolute_url
from events.team import reply_to, sender, team_context


def event_url(event, *, answer: str = "") -> str:
    """The event's page on the forum page, as a full address; with ``answer`` preselected for the reply form."""
    from .models import FaithForumPage

    page = FaithForumPage.objects.live().first()
    if page is None:
        return ""
    url = absolute_url(page.url + page.reverse_subpage("event", args=[event.pk]))
    return f"{url}?{urlencode({'answer': answer})}" if answer else url


def event_announcement(event, recipients) -> None:
    """Tell each member about a newly published event, with links that open the reply form on one answer."""
    session = event.session
    base = {
        "event": event,
        "session": session,
        "starts": timezone.localtime(session.starts_at),
        "ends": timezone.localtime(session.ends_at),
        "event_url": event_url(event),
        "answer_urls": {answer: event_url(event, answer=answer) for answer in ("going", "maybe", "not_going")},
        "account_url": absolute_url(reverse("portal:account")),
        **team_context(),
    }
    subject = f"New Faith Forum event: {event.title}, {base['starts']:%-d %B %Y}"
    messages = []
    for person in recipients:
        context = {**base, "person": person}
        body = render_to_string("faith_forum/email/event_announcement.txt", context)
        messages.append(
            EmailMessage(
                subject=subject, body=body, from_email=sender(context), to=[person.email], reply_to=reply_to(context)
            )
        )
    if messages:
        get_connection().send_messages(messages)
