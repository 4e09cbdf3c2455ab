"""Demo feedback: believable answers from about two in three people trained since the last financial year began.

Mostly 4s and 5s; confidence to recognise and refer a concern goes from about 2-3 before to about 4
after; a few answer anonymously; some leave a short comment. Each answer has its ``FeedbackRequest``
(emailed and answered), and some people were emailed and never answered. Idempotent: nothing is
made when there is already feedback. Bulk inserts keep it quick.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from crm.periods import FinancialYear

from .models import FeedbackForm, FeedbackRequest, FeedbackResponse, Measure
from .selectors import counted_attendances, feedback_form_for
from .services import MEASURE_FIELDS

ANSWER_SHARE = 0.65
EMAILED_NOT_ANSWERED_SHARE = 0.5  # of those who did not answer
ANONYMOUS_SHARE = 0.1

MOST_USEFUL = [
    "The case studies.",
    "Knowing who to contact and how to refer.",
    "The trainer's local examples from the borough.",
    "Clear explanation of the Prevent duty and what it is not.",
    "Discussing the online radicalisation examples in small groups.",
    "Understanding the Channel process and what happens after a referral.",
    "The short video and the discussion after it.",
    "Myths and facts section.",
    "Practical steps for what to do on the day.",
]
IMPROVE = [
    "More time for questions.",
    "Slides were hard to read at the back of the room.",
    "A printed summary to take away would help.",
    "Could be shorter.",
    "More examples relevant to schools.",
    "Start on time.",
    "More on far-right material online.",
    "Nothing, it was very good.",
]


def _pick(rng: random.Random, weights: dict[int, int]) -> int:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _answers(rng: random.Random) -> dict[str, object]:
    before = _pick(rng, {1: 10, 2: 40, 3: 38, 4: 12})
    after = max(before, _pick(rng, {3: 12, 4: 55, 5: 33}))
    values: dict[str, object] = {
        Measure.OVERALL: _pick(rng, {2: 2, 3: 10, 4: 42, 5: 46}),
        Measure.TRAINER: _pick(rng, {3: 6, 4: 36, 5: 58}),
        Measure.RELEVANCE: _pick(rng, {2: 3, 3: 17, 4: 45, 5: 35}),
        Measure.CONFIDENCE_BEFORE: before,
        Measure.CONFIDENCE_AFTER: after,
        Measure.RECOMMEND: rng.random() < 0.93,
    }
    if rng.random() < 0.4:
        values[Measure.MOST_USEFUL] = rng.choice(MOST_USEFUL)
    if rng.random() < 0.25:
        values[Measure.IMPROVE] = rng.choice(IMPROVE)
    return values


def seed() -> dict[str, int]:
    if FeedbackResponse.objects.exists():
        return {"feedback responses": FeedbackResponse.objects.count()}
    rng = random.Random(1204)
    now = timezone.now()
    today = timezone.localdate()
    since = FinancialYear.of(today).starts_at - dt.timedelta(days=1)
    since = FinancialYear.of(since).starts_at  # the last financial year's first day
    attendances = list(
        counted_attendances(starts=since)
        .filter(session__ends_at__lte=now)
        .exclude(feedback_request__isnull=False)
        .select_related("session", "session__course")
        .order_by("session__starts_at", "pk")
    )
    forms: dict[int, FeedbackForm | None] = {}
    questions: dict[int, list] = {}
    responses, requests = [], []
    for attendance in attendances:
        session = attendance.session
        if session.course_id not in forms:
            forms[session.course_id] = feedback_form_for(session.course)
            if forms[session.course_id] is not None:
                questions[forms[session.course_id].pk] = list(forms[session.course_id].questions.all())
        form = forms[session.course_id]
        if form is None:
            continue
        ended = timezone.localtime(session.ends_at)
        emailed = session.ends_at + dt.timedelta(hours=1)
        if rng.random() >= ANSWER_SHARE:
            if rng.random() < EMAILED_NOT_ANSWERED_SHARE:
                requests.append(FeedbackRequest(attendance=attendance, emailed_at=emailed))
            continue
        submitted = min(ended.date() + dt.timedelta(days=_pick(rng, {0: 45, 1: 25, 2: 12, 3: 8, 5: 6, 9: 4})), today)
        values = _answers(rng)
        anonymous = rng.random() < ANONYMOUS_SHARE
        response = FeedbackResponse(
            session=session,
            form=form,
            attendance=None if anonymous else attendance,
            anonymous=anonymous,
            submitted_on=submitted,
        )
        answers = []
        for question in questions[form.pk]:
            value = values.get(question.measure) if question.measure else None
            if value is None:
                continue
            setattr(response, MEASURE_FIELDS[question.measure], value)
            answers.append({"question": question.label, "measure": question.measure, "answer": value})
        response.answers = answers
        responses.append(response)
        requests.append(FeedbackRequest(attendance=attendance, emailed_at=emailed, answered=True))
    # Shuffled so that the order rows are stored in says nothing about whose an anonymous answer is.
    rng.shuffle(responses)
    with transaction.atomic():
        FeedbackResponse.objects.bulk_create(responses, batch_size=500)
        FeedbackRequest.objects.bulk_create(requests, batch_size=500)
    return {"feedback responses": len(responses)}
