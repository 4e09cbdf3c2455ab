"""Reminders for mandatory training: each person reminded once per occasion, the team summarised once a month.

Safe to run daily, and from two machines at once: a reminder is claimed by inserting its
``TrainingReminder`` row, whose unique constraints let only one run insert it, and its
email goes out only after that row is committed. The status rule itself lives in
``events.compliance``; this module only decides who is reminded of what.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from .. import emails
from ..compliance import PersonStatus, active_requirement_counts, requirement_statuses
from ..models import RequirementStatus, TrainingReminder, TrainingRequirement

# Occasions a person is reminded of, as the first part of TrainingReminder.key.
NOT_STARTED = "not_started"
RENEWAL = "renewal"
EXPIRED = "expired"
TEAM_SUMMARY = "team_summary"


def reminder_key(status: PersonStatus) -> str | None:
    """The occasion a person's status is reminded for (the TrainingReminder key), or None for no reminder.

    Not started: once ever. Due for renewal and expired: once per expiry date, so
    someone who renews is reminded again as the next expiry comes round. Complete
    and booked people need nothing; neither does anyone whose certificate is
    waiting for the team (if it is refused, they are reminded on the next run).
    """
    if status.pending_certificate:
        return None
    if status.status == RequirementStatus.NOT_STARTED:
        return NOT_STARTED
    if status.status == RequirementStatus.DUE_RENEWAL:
        return f"{RENEWAL}:{status.expires_on.isoformat()}"
    if status.status == RequirementStatus.EXPIRED:
        return f"{EXPIRED}:{status.expires_on.isoformat()}"
    return None


def _claim(*, requirement: TrainingRequirement | None, user, key: str) -> bool:
    """Insert the reminder's row; True only for the run that inserted it.

    A second run at the same moment waits on the unique index until the first
    commits, then finds the row (``get_or_create`` retries the read after the
    IntegrityError) and sends nothing.
    """
    _, created = TrainingReminder.objects.get_or_create(requirement=requirement, user=user, key=key)
    return created


def requirement_reminders_send(*, today: dt.date | None = None) -> dict[str, int]:
    """Remind everyone an active requirement applies to who is not started, due for renewal or expired.

    Each person gets one reminder per occasion (see ``reminder_key``), listing the
    next sessions they can book and, where accepted, the certificate upload link.
    Returns how many of each were sent: ``{"not_started": n, "renewal": n, "expired": n}``.
    """
    today = today or timezone.localdate()
    sent = {NOT_STARTED: 0, RENEWAL: 0, EXPIRED: 0}
    for requirement in TrainingRequirement.objects.filter(active=True):
        with transaction.atomic():
            due = [
                (status, key)
                for status in requirement_statuses(requirement=requirement, today=today)
                if (key := reminder_key(status))
            ]
            already = set(
                TrainingReminder.objects.filter(
                    requirement=requirement, user__in=[s.user.pk for s, _ in due]
                ).values_list("user_id", "key")
            )
            for status, key in due:
                if (status.user.pk, key) in already or not _claim(requirement=requirement, user=status.user, key=key):
                    continue
                occasion = key.split(":")[0]
                # Stored in the outbox with the claim: a mail server that refuses one address stops nothing here.
                emails.requirement_reminder(
                    requirement=requirement, person=status.user, occasion=occasion, expires_on=status.expires_on
                )
                sent[occasion] += 1
    return sent


def team_summary_send(*, today: dt.date | None = None) -> int:
    """Send the Prevent team its monthly summary of mandatory training, once per calendar month.

    The first run in a month sends it (counts only: per active requirement, each
    status with its percentage, and for Member training the Administration,
    Opposition and Cabinet breakdown). Nothing is sent, or claimed, while there
    are no active requirements or nobody in the team. Returns 1 if sent, else 0.
    """
    today = today or timezone.localdate()
    recipients = emails.prevent_team_addresses()
    if not recipients or not TrainingRequirement.objects.filter(active=True).exists():
        return 0
    with transaction.atomic():
        if not _claim(requirement=None, user=None, key=f"summary:{today:%Y-%m}"):
            return 0
        summaries = [(counted.requirement, counted.rows) for counted in active_requirement_counts(today=today)]
        emails.requirement_team_summary(today=today, summaries=summaries, recipients=recipients)
    return 1


def training_reminders_send(*, today: dt.date | None = None) -> dict[str, int]:
    """The daily run: people's reminders, then the team's monthly summary (each rule in its own function above)."""
    today = today or timezone.localdate()
    sent = requirement_reminders_send(today=today)
    sent[TEAM_SUMMARY] = team_summary_send(today=today)
    return sent
