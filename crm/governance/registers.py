"""The Prevent Steering Group's registers: the programme risk register and the peer-review tracker.

**Programme risk register**: risks to the *delivery* of Prevent (staffing, funding, partners,
community trust). The police-restricted counter-terrorism risk register never goes in this system.

- A risk's score is likelihood × impact (each 1–5), worked out by the database, never typed.
- Its RAG rating comes from one function, ``rag_rating``: 1–6 green, 8–12 amber, 15–25 red
  (the bands councils commonly use; no score of 7, 11, 13 or 14 exists).
- The current likelihood and impact move only through a review (``registers_services.risk_review``),
  which is kept (``RiskReview``): the register's history shows how each risk moved.
- A risk not reviewed for more than a quarter (``REVIEW_INTERVAL_DAYS`` since its last review, or
  since it was added if never reviewed) is overdue, and the team gets one reminder per overdue spell.

**Peer-review tracker**: recommendations (e.g. the Home Office peer review of November 2018) and
the actions taken on each, with their evidence (a document, a link or a note).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from .. import roles

# A quarter: a risk whose last review (or, never reviewed, its addition) is older than this is overdue.
REVIEW_INTERVAL_DAYS = 92

SCALE = [(n, str(n)) for n in range(1, 6)]
SCALE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]
# Every score likelihood × impact can make.
POSSIBLE_SCORES = sorted({likelihood * impact for likelihood in range(1, 6) for impact in range(1, 6)})

NOT_THE_CT_REGISTER = (
    "Risks to the delivery of the Prevent programme only. The counter-terrorism risk register is "
    "police-restricted and is never recorded in this system."
)


RISK_NEEDS_AN_OWNER = "Give the risk an owner: a person with an account, or a name or post."


class Rag(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"


# The bands, highest first: a score at or above the floor takes the rating.
RAG_FLOORS = ((15, Rag.RED), (8, Rag.AMBER), (1, Rag.GREEN))


def rag_rating(score: int | None) -> Rag | None:
    """The RAG rating of a score: 1–6 green, 8–12 amber, 15–25 red (the one place the bands live)."""
    if not score:
        return None
    for floor, rating in RAG_FLOORS:
        if score >= floor:
            return rating
    return None


def rag_q(rating: str, field: str = "score") -> Q:
    """The rows whose ``field`` falls in the rating's band, for filters (the same bands as ``rag_rating``)."""
    bounds = {Rag.RED: (15, 25), Rag.AMBER: (8, 14), Rag.GREEN: (1, 7)}[Rag(rating)]
    return Q(**{f"{field}__gte": bounds[0], f"{field}__lte": bounds[1]})


class RiskCategory(models.TextChoices):
    DELIVERY = "delivery", "Delivery"
    PARTNERSHIP = "partnership", "Partnership"
    REPUTATION = "reputation", "Reputation and community trust"
    FUNDING = "funding", "Funding"
    WORKFORCE = "workforce", "Workforce"
    COMPLIANCE = "compliance", "Compliance and the duty"
    TECHNOLOGY = "technology", "Systems and technology"


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


def risk_owner_choices() -> Q:
    """Who may be chosen as a risk's owner: people on the staff roles (team, outreach officers, trainers).

    Anyone else owns a risk by name or post (``owner_name``); the list never offers every learner.
    """
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.filter(Q(groups__name__in=roles.STAFF_ROLES) | Q(is_superuser=True))
    return Q(pk__in=staff.values("pk"))


class RiskForm(WagtailAdminModelForm):
    """Likelihood and impact are typed when a risk is added; after that they move only by a recorded review."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("likelihood", "impact"):
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = "Changed by recording a review (Reviews, from the list or above)."


class Risk(models.Model):
    """A risk to Prevent delivery, scored likelihood × impact, reviewed by the steering group each quarter."""

    title = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=RiskCategory.choices, default=RiskCategory.DELIVERY)
    description = models.TextField(blank=True, help_text="The cause and what would happen.")
    likelihood = models.PositiveSmallIntegerField(choices=SCALE, validators=SCALE_VALIDATORS)
    impact = models.PositiveSmallIntegerField(choices=SCALE, validators=SCALE_VALIDATORS)
    score = models.GeneratedField(
        expression=F("likelihood") * F("impact"), output_field=models.PositiveSmallIntegerField(), db_persist=True
    )
    target_score = models.PositiveSmallIntegerField(
        choices=[(n, str(n)) for n in POSSIBLE_SCORES],
        null=True,
        blank=True,
        help_text="The score the controls should bring it down to.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="risks_owned",
        limit_choices_to=risk_owner_choices,
        help_text="A person with an account…",
    )
    owner_name = models.CharField(
        "or owner (name or post)",
        max_length=200,
        blank=True,
        help_text="…or a name or post, e.g. Head of Community Safety.",
    )
    controls = models.TextField("controls and mitigations", blank=True)
    status = models.CharField(max_length=10, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    opened_on = models.DateField("added to the register", default=timezone.localdate)
    last_reviewed_on = models.DateField(null=True, blank=True, editable=False)
    review_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    base_form_class = RiskForm
    panels = [
        FieldPanel("title", help_text=NOT_THE_CT_REGISTER),
        FieldRowPanel([FieldPanel("category"), FieldPanel("status"), FieldPanel("opened_on")]),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("likelihood"), FieldPanel("impact"), FieldPanel("target_score")])],
            heading="Scores (1 = lowest, 5 = highest; the score is likelihood × impact)",
        ),
        FieldRowPanel([FieldPanel("owner"), FieldPanel("owner_name")]),
        FieldPanel("controls"),
    ]

    class Meta:
        ordering = ["-score", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5),
                name="risk_scores_one_to_five",
                violation_error_message="Likelihood and impact are each from 1 to 5.",
            ),
        ]
        indexes = [models.Index(fields=["status", "last_reviewed_on"])]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        # Not a database constraint: deleting the owner's account (SET_NULL) must not fail.
        if not self.owner_id and not self.owner_name.strip():
            raise ValidationError({"owner_name": RISK_NEEDS_AN_OWNER})

    @property
    def current_score(self) -> int:
        """Likelihood × impact as they stand on this instance (``score`` is only read back from the database)."""
        return self.likelihood * self.impact

    @property
    def rag(self) -> Rag | None:
        return rag_rating(self.current_score)

    @property
    def rag_label(self) -> str:
        rating = self.rag
        return rating.label if rating else ""

    @property
    def owner_display(self) -> str:
        if self.owner_id:
            return self.owner.get_full_name() or self.owner.email
        return self.owner_name

    @property
    def review_due_from(self) -> dt.date:
        """The date the quarter runs from: the last review, or the day it was added if never reviewed."""
        return self.last_reviewed_on or self.opened_on

    def is_overdue_for_review(self, today: dt.date | None = None) -> bool:
        """Open and not reviewed for more than a quarter (``REVIEW_INTERVAL_DAYS``)."""
        today = today or timezone.localdate()
        return self.status == RiskStatus.OPEN and (today - self.review_due_from).days > REVIEW_INTERVAL_DAYS

    is_overdue_for_review.boolean = True
    is_overdue_for_review.short_description = "overdue for review"


class RiskReview(models.Model):
    """One review of a risk (normally at a steering group meeting): the scores then, and what was said."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews")
    meeting = models.ForeignKey(
        "crm.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="risk_reviews",
        limit_choices_to={"series__kind": "psg"},
        help_text="The steering group meeting that reviewed it, if any.",
    )
    reviewed_on = models.DateField()
    likelihood = models.PositiveSmallIntegerField(choices=SCALE, validators=SCALE_VALIDATORS)
    impact = models.PositiveSmallIntegerField(choices=SCALE, validators=SCALE_VALIDATORS)
    score = models.GeneratedField(
        expression=F("likelihood") * F("impact"), output_field=models.PositiveSmallIntegerField(), db_persist=True
    )
    # The scores before this review, so each row shows the movement on its own.
    previous_likelihood = models.PositiveSmallIntegerField(editable=False)
    previous_impact = models.PositiveSmallIntegerField(editable=False)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reviewed_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5),
                name="risk_review_scores_one_to_five",
            )
        ]

    def __str__(self):
        return f"{self.risk} reviewed {self.reviewed_on:%d %b %Y}"

    @property
    def score_then(self) -> int:
        return self.likelihood * self.impact

    @property
    def previous_score(self) -> int:
        return self.previous_likelihood * self.previous_impact

    @property
    def movement(self) -> int:
        """Score now minus score before: negative is better."""
        return self.score_then - self.previous_score

    @property
    def rag(self) -> Rag | None:
        return rag_rating(self.score_then)


# --- Peer-review tracker ---------------------------------------------------------------------


class Priority(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class Recommendation(ClusterableModel):
    """A recommendation made to the team (a Home Office peer review, an audit), tracked to done by its actions."""

    source = models.CharField(max_length=200, help_text='e.g. "Home Office peer review, November 2018"')
    reference = models.CharField(max_length=30, blank=True, help_text="Its number in the report, e.g. R1.")
    text = models.TextField("recommendation")
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldRowPanel([FieldPanel("source"), FieldPanel("reference"), FieldPanel("priority")]),
        FieldPanel("text"),
        InlinePanel("actions", heading="Actions taken", label="Action"),
    ]

    class Meta:
        ordering = ["source", "reference", "pk"]

    def __str__(self):
        label = f"{self.reference}: " if self.reference else ""
        return f"{label}{self.text[:80]}"

    # Read from ``actions.all()``, so a prefetched listing asks the database once.
    @property
    def actions_done(self) -> int:
        return sum(1 for action in self.actions.all() if action.status == ActionProgress.DONE)

    @property
    def actions_total(self) -> int:
        return len(self.actions.all())

    @property
    def progress(self) -> str:
        return f"{self.actions_done} of {self.actions_total} done"

    @property
    def status(self) -> str:
        return recommendation_status(list(self.actions.all()), today=timezone.localdate())


class ActionProgress(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


DONE_NEEDS_EVIDENCE = "An action marked done needs its evidence: a document, a link or at least a note."


class RecommendationAction(Orderable):
    """An action taken on a recommendation: who, by when, how it stands, and the evidence once done."""

    recommendation = ParentalKey(Recommendation, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.CharField(max_length=200, help_text="A name or post, e.g. Prevent Coordinator.")
    due_on = models.DateField("due")
    status = models.CharField(max_length=20, choices=ActionProgress.choices, default=ActionProgress.NOT_STARTED)
    evidence_document = models.ForeignKey(
        "wagtaildocs.Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    evidence_url = models.URLField("evidence link", blank=True)
    evidence_note = models.TextField(blank=True, help_text="What shows it was done (required when done).")
    completed_on = models.DateField("done on", null=True, blank=True, help_text="When it was done, if known.")
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("owner"), FieldPanel("due_on"), FieldPanel("status"), FieldPanel("completed_on")]),
        FieldRowPanel([FieldPanel("evidence_document"), FieldPanel("evidence_url")]),
        FieldPanel("evidence_note"),
    ]

    # Evidence is checked by ``clean`` (the admin form), not the database: deleting a document
    # (SET_NULL) must not fail because an action cited it.

    def __str__(self):
        return self.description[:80]

    def clean(self):
        super().clean()
        if self.status == ActionProgress.DONE and not (
            self.evidence_document_id or self.evidence_url or self.evidence_note.strip()
        ):
            raise ValidationError({"evidence_note": DONE_NEEDS_EVIDENCE})

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_document_id or self.evidence_url or self.evidence_note)

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.status != ActionProgress.DONE and self.due_on < (today or timezone.localdate())

    @property
    def done_on(self) -> dt.date:
        """When it was done: the date given, else the day it was last changed."""
        return self.completed_on or timezone.localdate(self.updated_at)

    @property
    def evidence(self) -> str:
        """The evidence in words: the document's title, the link, or the note."""
        if self.evidence_document_id:
            return self.evidence_document.title
        return self.evidence_url or self.evidence_note


class RecommendationStatus:
    COMPLETE = "Complete"
    ON_TRACK = "On track"
    OVERDUE = "Overdue"
    NO_ACTIONS = "No actions yet"


def recommendation_status(actions: list[RecommendationAction], *, today: dt.date) -> str:
    """Complete when every action is done; overdue when any action not done is past its due date;
    otherwise on track. A recommendation with no actions has none yet (it is not on track)."""
    if not actions:
        return RecommendationStatus.NO_ACTIONS
    if all(action.status == ActionProgress.DONE for action in actions):
        return RecommendationStatus.COMPLETE
    if any(action.is_overdue(today) for action in actions):
        return RecommendationStatus.OVERDUE
    return RecommendationStatus.ON_TRACK
