"""Feedback after training: the forms editors build, the answers, and who has been asked.

A *feedback form* is a snippet the team edits in the admin (questions, their order, wording,
which are required). A course uses its own form, or the form for its reporting category.
Questions marked with a *measure* (overall rating, confidence before and after...) feed the
figures; any other question is kept with the answer as asked.

Answers are kept so that an anonymous one cannot be matched back to its person:
``FeedbackResponse`` has a random primary key and only the day it was given, and an anonymous
answer holds no link to the attendance. ``FeedbackRequest`` (one per attendance) says the person
was emailed and has answered, which is what stops a second answer.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.models import Orderable

from crm.models import OrganisationType
from events.models import Attendance, ReportingCategory, TrainingSession


class QuestionKind(models.TextChoices):
    RATING = "rating", "Rating from 1 to 5"
    YES_NO = "yes_no", "Yes or no"
    TEXT = "text", "Written answer"
    CHOICE = "choice", "One choice from a list"


class Measure(models.TextChoices):
    """What the figures read from a question's answers."""

    OVERALL = "overall", "Overall rating (1–5)"
    TRAINER = "trainer", "Trainer rating (1–5)"
    RELEVANCE = "relevance", "Relevance to my role (1–5)"
    CONFIDENCE_BEFORE = "confidence_before", "Confidence to recognise and refer a concern, before (1–5)"
    CONFIDENCE_AFTER = "confidence_after", "Confidence to recognise and refer a concern, after (1–5)"
    RECOMMEND = "recommend", "Would recommend (yes/no)"
    MOST_USEFUL = "most_useful", "What was most useful (written)"
    IMPROVE = "improve", "What to improve (written)"


RATING_MEASURES = (
    Measure.OVERALL,
    Measure.TRAINER,
    Measure.RELEVANCE,
    Measure.CONFIDENCE_BEFORE,
    Measure.CONFIDENCE_AFTER,
)
MEASURE_KIND = {
    **{measure: QuestionKind.RATING for measure in RATING_MEASURES},
    Measure.RECOMMEND: QuestionKind.YES_NO,
    Measure.MOST_USEFUL: QuestionKind.TEXT,
    Measure.IMPROVE: QuestionKind.TEXT,
}


class FeedbackForm(ClusterableModel):
    """The questions asked after a course. Editors change them in the admin (Snippets → Feedback forms)."""

    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True, help_text="Shown above the questions.")
    default_for = models.CharField(
        "default for",
        max_length=20,
        choices=ReportingCategory.choices,
        blank=True,
        help_text="Used for every course in this reporting category that has no form of its own.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("introduction"),
        FieldPanel("default_for"),
        InlinePanel("courses", heading="Courses using this form", label="Course"),
        InlinePanel("questions", heading="Questions", label="Question", min_num=1),
    ]

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["default_for"],
                condition=~Q(default_for=""),
                name="one_default_feedback_form_per_category",
                violation_error_message="Another feedback form is already the default for this category.",
            )
        ]

    def __str__(self):
        return self.title


class FeedbackFormCourse(Orderable):
    """A course that uses this form instead of its category's default. A course has one form at most."""

    form = ParentalKey(FeedbackForm, on_delete=models.CASCADE, related_name="courses")
    course = models.OneToOneField(
        "events.CoursePage", on_delete=models.CASCADE, related_name="feedback_form_link", verbose_name="course"
    )

    panels = [FieldPanel("course")]

    def __str__(self):
        return f"{self.course} uses {self.form}"


class FeedbackQuestion(Orderable):
    """One question on a feedback form."""

    form = ParentalKey(FeedbackForm, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField("question", max_length=255)
    help_text = models.CharField(max_length=255, blank=True)
    kind = models.CharField(max_length=20, choices=QuestionKind.choices, default=QuestionKind.RATING)
    measure = models.CharField(
        "counts in the figures as",
        max_length=30,
        choices=Measure.choices,
        blank=True,
        help_text="Leave blank for a question of your own: its answers are kept and shown, not counted.",
    )
    required = models.BooleanField(default=True)
    choices = models.TextField(blank=True, help_text="For one choice from a list: one choice per line.")

    panels = [
        FieldPanel("label"),
        FieldPanel("help_text"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("measure"), FieldPanel("required")]),
        FieldPanel("choices"),
    ]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["form", "measure"],
                condition=~Q(measure=""),
                name="one_question_per_measure_per_form",
                violation_error_message="Each figure can be asked once per form.",
            )
        ]

    def __str__(self):
        return self.label

    def clean(self):
        super().clean()
        if self.measure and MEASURE_KIND[self.measure] != self.kind:
            kind = QuestionKind(MEASURE_KIND[self.measure]).label
            raise ValidationError({"kind": f"“{Measure(self.measure).label}” needs the answer kind “{kind}”."})
        if self.kind == QuestionKind.CHOICE and not self.choice_list:
            raise ValidationError({"choices": "Give the choices, one per line."})

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


def _rating(name: str):
    return models.PositiveSmallIntegerField(name, null=True, blank=True)


class FeedbackResponse(models.Model):
    """One person's answers about one session.

    ``attendance`` is empty for an anonymous answer (and once an attendance's person is erased).
    The id is random and only the day is kept, so that an anonymous answer cannot be matched to
    its ``FeedbackRequest`` by order or time.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="feedback_responses")
    form = models.ForeignKey(FeedbackForm, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    attendance = models.OneToOneField(
        Attendance, on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback_response"
    )
    anonymous = models.BooleanField(default=False)
    submitted_on = models.DateField()
    overall = _rating("overall rating")
    trainer = _rating("trainer rating")
    relevance = _rating("relevance to my role")
    confidence_before = _rating("confidence before")
    confidence_after = _rating("confidence after")
    would_recommend = models.BooleanField(null=True, blank=True)
    most_useful = models.TextField("most useful", blank=True)
    improve = models.TextField("to improve", blank=True)
    # Every answer as asked, in the form's order: [{"question": ..., "answer": ...}], own questions included.
    answers = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-submitted_on"]
        indexes = [models.Index(fields=["session", "submitted_on"])]
        constraints = [
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                    name=f"feedback_{name}_1_to_5",
                    violation_error_message="Ratings are from 1 to 5.",
                )
                for name in ("overall", "trainer", "relevance", "confidence_before", "confidence_after")
            ),
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(attendance__isnull=True),
                name="anonymous_feedback_names_nobody",
                violation_error_message="An anonymous answer is not linked to its person.",
            ),
        ]

    def __str__(self):
        return f"Feedback on {self.session} ({self.submitted_on:%d %b %Y})"


class FeedbackRequest(models.Model):
    """A person marked present was asked for feedback: emailed once, and whether they have answered.

    Whether, never when: an anonymous answer keeps the day it was given, so a date here would let
    the two be matched on a day with one answer.
    """

    attendance = models.OneToOneField(Attendance, on_delete=models.CASCADE, related_name="feedback_request")
    emailed_at = models.DateTimeField(null=True, blank=True)
    answered = models.BooleanField(default=False)

    def __str__(self):
        return f"Feedback request for {self.attendance}"


class ImportedNoShow(models.Model):
    """Someone a legacy register (``feedback.imports``) marks as booked but absent, who has no booking here.

    A ``Booking`` needs an account, and accounts are never made from a spreadsheet, so a no-show of
    someone without one is kept here, as the register gave it. It never counts as trained. Deleting a
    person removes the rows under their email (``feedback.imports.on_person_deleting``).
    """

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="imported_no_shows")
    full_name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    organisation_name = models.CharField("organisation", max_length=200, blank=True)
    organisation_type = models.CharField(max_length=20, choices=OrganisationType.choices, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["session", "full_name"]
        verbose_name = "no-show from an imported register"

    def __str__(self):
        return f"{self.full_name or self.email or 'Someone'} did not attend {self.session}"
