"""The weekly email of open actions. Called by ``services.actions_weekly_send`` inside its transaction:
the outbox (``crm.outbox.OutboxBackend``) stores the message with the digest row."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

if TYPE_CHECKING:
    from crm.models import User

    from .models import MeetingAction


def action_digest(*, person: User, actions: list[MeetingAction], today: dt.date) -> None:
    """Store one email listing ``actions`` (overdue ones first and marked) for ``person``."""
    overdue = [action for action in actions if action.due_on < today]
    context = {
        "person": person,
        "actions": [(action, action.due_on < today) for action in actions],
        "overdue": len(overdue),
        "today": today,
        "base_url": settings.PORTAL_BASE_URL,
    }
    subject = f"Your open actions: {len(actions)}"
    if overdue:
        subject += f" ({len(overdue)} overdue)"
    EmailMessage(
        subject=subject,
        body=render_to_string("crm/governance/email/action_digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[person.email],
    ).send()
