"""Writes to the steering group's registers that carry a rule: reviewing a risk, reminding the team of overdue reviews."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from crm import roles
from crm.audit import audit_log, changes_between

from .registers import SCALE, Risk, RiskReview, RiskStatus
from .registers_selectors import risks_overdue_for_review

if TYPE_CHECKING:
    from crm.models import Meeting, User

RISK_REVIEW_ACTION = "crm.risk_review"
RISK_REMINDER_ACTION = "crm.risk_review_reminder"
REGISTER_ACTIONS = {
    RISK_REVIEW_ACTION: ("Risk reviewed", "Reviewed the risk"),
    RISK_REMINDER_ACTION: ("Risk review reminder", "Reminded the team the risk is overdue for review"),
}


class RiskReviewError(Exception):
    """A review that cannot be recorded; ``code`` says why, ``message`` says what to fix."""

    SCORE = "score"
    CLOSED = "closed"
    BEFORE_LAST = "before_last"
    FUTURE = "future"
    MEETING = "meeting"
    MESSAGES = {
        SCORE: "Likelihood and impact are each a whole number from 1 to 5.",
        CLOSED: "This risk is closed: reopen it before recording a review.",
        BEFORE_LAST: "The risk was last reviewed on {last:%-d %B %Y}: record reviews in date order.",
        FUTURE: "The review date cannot be in the future.",
        MEETING: "Choose a Prevent Steering Group meeting (or none).",
    }

    def __init__(self, code: str, **kwargs):
        self.code = code
        self.message = self.MESSAGES[code].format(**kwargs)
        super().__init__(self.message)


def risk_review(
    *,
    risk: Risk,
    likelihood: int,
    impact: int,
    note: str = "",
    meeting: Meeting | None = None,
    reviewed_on: dt.date | None = None,
    by: User | None,
) -> RiskReview:
    """Record a review of a risk and move its current scores to the review's: the one way scores change.

    Rule: the review keeps the scores before and after; the risk's likelihood, impact and
    last-reviewed date become the review's, and its overdue reminder is cleared (a new overdue
    spell gets a new reminder). Reviews are recorded in date order, on or before today, of open
    risks, at a steering group meeting or none (then dated today unless given; at a meeting,
    dated the meeting's day unless given). Locked and atomic; audited.

    Raises ``RiskReviewError`` (codes ``score``, ``closed``, ``before_last``, ``future``, ``meeting``).
    """
    valid = {value for value, _ in SCALE}
    if likelihood not in valid or impact not in valid:
        raise RiskReviewError(RiskReviewError.SCORE)
    if meeting is not None and meeting.series.kind != "psg":
        raise RiskReviewError(RiskReviewError.MEETING)
    today = timezone.localdate()
    if reviewed_on is None:
        reviewed_on = timezone.localdate(meeting.starts_at) if meeting is not None else today
    if reviewed_on > today:
        raise RiskReviewError(RiskReviewError.FUTURE)
    with transaction.atomic():
        locked = Risk.objects.select_for_update().get(pk=risk.pk)
        if locked.status != RiskStatus.OPEN:
            raise RiskReviewError(RiskReviewError.CLOSED)
        if locked.last_reviewed_on and reviewed_on < locked.last_reviewed_on:
            raise RiskReviewError(RiskReviewError.BEFORE_LAST, last=locked.last_reviewed_on)
        review = RiskReview.objects.create(
            risk=locked,
            meeting=meeting,
            reviewed_on=reviewed_on,
            likelihood=likelihood,
            impact=impact,
            previous_likelihood=locked.likelihood,
            previous_impact=locked.impact,
            note=note.strip(),
            by=by,
        )
        Risk.objects.filter(pk=locked.pk).update(
            likelihood=likelihood,
            impact=impact,
            last_reviewed_on=reviewed_on,
            review_reminder_sent_at=None,
            updated_at=timezone.now(),
        )
        audit_log(
            RISK_REVIEW_ACTION,
            instance=locked,
            user=by,
            changes=changes_between(
                {"likelihood": review.previous_likelihood, "impact": review.previous_impact},
                {"likelihood": likelihood, "impact": impact},
            ),
            data={"reviewed_on": reviewed_on, "meeting": meeting, "score": likelihood * impact},
        )
    risk.refresh_from_db()
    return review


@dataclass(frozen=True)
class ReminderResult:
    risks: int
    emails: int


def team_members():
    """The people who get the register's reminders: active accounts holding the team admin role, with an email."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.PREVENT_ADMIN)
        .exclude(email="")
        .distinct()
        .order_by("email")
    )


def risk_review_reminders_send(*, today: dt.date | None = None) -> ReminderResult:
    """Email the team once about risks that have become overdue for review (``manage.py send_risk_review_reminders``).

    Rule: each overdue spell of a risk gets one reminder. A risk already reminded
    (``review_reminder_sent_at`` set) is not reminded again until a review clears it and it falls
    overdue again. One email per team member lists the newly overdue risks (and any still overdue
    from before); nothing is sent when no risk is newly overdue. The rows are locked, so two runs
    at once send once. Emails go through the outbox in the same transaction. Raises nothing.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        overdue = list(risks_overdue_for_review(today=today).select_for_update(of=("self",)))
        new = [risk for risk in overdue if risk.review_reminder_sent_at is None]
        if not new:
            return ReminderResult(risks=0, emails=0)
        still = [risk for risk in overdue if risk.review_reminder_sent_at is not None]
        now = timezone.now()
        Risk.objects.filter(pk__in=[risk.pk for risk in new]).update(review_reminder_sent_at=now)
        context = {
            "new": new,
            "still": still,
            "today": today,
            "register_url": _absolute(reverse("risks:index") + "?review=overdue"),
        }
        body = render_to_string("crm/email/risk_review_reminder.txt", context)
        subject = (
            f"{len(new)} risk{'s' if len(new) != 1 else ''} on the programme risk register "
            "not reviewed for more than a quarter"
        )
        messages = [EmailMessage(subject=subject, body=body, to=[user.email]) for user in team_members()]
        if messages:
            get_connection().send_messages(messages)  # the outbox: stored with the marks above
        for risk in new:
            audit_log(RISK_REMINDER_ACTION, instance=risk, user=None, data={"emails": len(messages)})
    return ReminderResult(risks=len(new), emails=len(messages))


def _absolute(path: str) -> str:
    return f"{settings.WAGTAILADMIN_BASE_URL}{path}"
