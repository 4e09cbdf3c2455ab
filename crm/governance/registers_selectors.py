"""Reads of the steering group's registers: overdue risks, each risk's history, the peer-review progress."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from .registers import (
    REVIEW_INTERVAL_DAYS,
    ActionProgress,
    Recommendation,
    RecommendationAction,
    RecommendationStatus,
    Risk,
    RiskReview,
    RiskStatus,
    recommendation_status,
)


def overdue_q(*, today: dt.date) -> Q:
    """Open risks last reviewed (or, never reviewed, added) more than ``REVIEW_INTERVAL_DAYS`` before ``today``."""
    cutoff = today - dt.timedelta(days=REVIEW_INTERVAL_DAYS)
    return Q(status=RiskStatus.OPEN) & (
        Q(last_reviewed_on__lt=cutoff) | Q(last_reviewed_on__isnull=True, opened_on__lt=cutoff)
    )


def risks_overdue_for_review(*, today: dt.date | None = None) -> QuerySet[Risk]:
    """The open risks not reviewed for more than a quarter, the longest waiting first."""
    today = today or timezone.localdate()
    return Risk.objects.filter(overdue_q(today=today)).order_by("last_reviewed_on", "opened_on", "pk")


def risk_history(risk: Risk) -> QuerySet[RiskReview]:
    """The risk's reviews in date order (oldest first), with their meetings."""
    return risk.reviews.select_related("meeting__series", "by").order_by("reviewed_on", "pk")


def open_risks_for_pack() -> list[Risk]:
    """The open risks for a meeting pack, highest score first, each with ``latest_review`` (or None)."""
    risks = list(
        Risk.objects.filter(status=RiskStatus.OPEN)
        .select_related("owner")
        .prefetch_related(Prefetch("reviews", queryset=RiskReview.objects.order_by("reviewed_on", "pk")))
        .order_by("-score", "title")
    )
    for risk in risks:
        reviews = list(risk.reviews.all())
        risk.latest_review = reviews[-1] if reviews else None
    return risks


# --- Peer-review progress --------------------------------------------------------------------


@dataclass
class RecommendationProgress:
    recommendation: Recommendation
    done: int
    total: int
    status: str
    latest_evidence: RecommendationAction | None

    @property
    def is_overdue(self) -> bool:
        return self.status == RecommendationStatus.OVERDUE


def recommendation_progress(
    *, today: dt.date | None = None, recommendations: QuerySet[Recommendation] | None = None
) -> list[RecommendationProgress]:
    """Each recommendation's actions done and in all, its status and its latest evidence (one query for the actions)."""
    today = today or timezone.localdate()
    queryset = recommendations if recommendations is not None else Recommendation.objects.all()
    queryset = queryset.prefetch_related(
        Prefetch("actions", queryset=RecommendationAction.objects.select_related("evidence_document"))
    )
    progress = []
    for recommendation in queryset:
        actions = list(recommendation.actions.all())
        evidenced = [a for a in actions if a.status == ActionProgress.DONE and a.has_evidence]
        latest = max(evidenced, key=lambda a: (a.done_on, a.updated_at, a.pk)) if evidenced else None
        progress.append(
            RecommendationProgress(
                recommendation=recommendation,
                done=sum(1 for a in actions if a.status == ActionProgress.DONE),
                total=len(actions),
                status=recommendation_status(actions, today=today),
                latest_evidence=latest,
            )
        )
    return progress
