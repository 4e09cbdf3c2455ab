"""Governance → the steering group's registers in the admin, for the Prevent team only.

- Risks (``/admin/governance/risks/``): the programme risk register, RAG as a coloured badge with
  its word, overdue reviews flagged, filters, CSV/XLSX; each risk's review history with a
  "Record a review" form (``registers_services.risk_review``); a printable register for a
  meeting pack (``register/``).
- Recommendations (``/admin/governance/recommendations/``) with their actions inline, CSV/XLSX,
  and a one-page progress summary for committee papers (``progress/``); every action in a list
  of its own (``/admin/governance/recommendation-actions/``) with CSV/XLSX.

Model screens are guarded by model permissions (only the team holds the ``crm`` ones for these);
the other views check the team role themselves (``TeamOnlyMixin``).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.views.generic import FormView, TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import EditView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.admin.widgets.button import Button, HeaderButton

from crm.admin_access import TeamMenuItem, TeamOnlyMixin
from crm.exports import ExportIndexView, ExportModelViewSet
from crm.roles import is_team

from .registers import (
    NOT_THE_CT_REGISTER,
    SCALE,
    Rag,
    Recommendation,
    RecommendationAction,
    Risk,
    rag_q,
)
from .registers_selectors import (
    open_risks_for_pack,
    overdue_q,
    recommendation_progress,
    risk_history,
)
from .registers_services import RiskReviewError, risk_review


def rag_badge(rating: Rag | None, score: int | None = None):
    """The RAG rating as a badge: its colour *and* its word (never colour alone)."""
    if rating is None:
        return ""
    text = f"{rating.label} ({score})" if score is not None else rating.label
    return format_html('<span class="rag-badge rag-badge--{}">{}</span>', rating.value, text)


RAG_BADGE_STYLE = (
    ".rag-badge{display:inline-block;padding:.1rem .5rem;border-radius:.25rem;font-weight:700;border:1px solid #0b0c0c}"
    ".rag-badge--red{background:#d4351c;color:#fff}"
    ".rag-badge--amber{background:#ffdd00;color:#0b0c0c}"
    ".rag-badge--green{background:#00703c;color:#fff}"
)


def _rag_cell(risk: Risk):
    return format_html("<style>{}</style>{}", RAG_BADGE_STYLE, rag_badge(risk.rag))


def _review_flag(risk: Risk):
    """The flag in words (a red cross for "not overdue" would read as a fault)."""
    if risk.is_overdue_for_review():
        return format_html("<strong>{}</strong>", "Overdue for review")
    return ""


# --- Risks -----------------------------------------------------------------------------------


def _owners():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(risks_owned__isnull=False).distinct().order_by("first_name", "last_name")


class RiskFilterSet(WagtailFilterSet):
    rag = django_filters.ChoiceFilter(label="RAG rating", choices=Rag.choices, method="filter_rag")
    owner = django_filters.ModelChoiceFilter(
        label="Owner", queryset=lambda request: _owners(), empty_label="Any owner with an account"
    )
    review = django_filters.ChoiceFilter(
        label="Review",
        choices=[("overdue", "Overdue for review (more than a quarter)")],
        method="filter_review",
    )

    class Meta:
        model = Risk
        fields = ["status", "category"]

    def filter_rag(self, queryset, name, value):
        return queryset.filter(rag_q(value)) if value else queryset

    def filter_review(self, queryset, name, value):
        return queryset.filter(overdue_q(today=timezone.localdate())) if value == "overdue" else queryset


def reviews_url(risk_pk: int) -> str:
    return reverse("risks:reviews", args=[risk_pk])


class RiskIndexView(ExportIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("owner")

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        buttons.append(
            ListingMenuItem("Reviews and history", url=reviews_url(instance.pk), icon_name="history", priority=5)
        )
        return buttons

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if is_team(self.request.user):
            buttons.append(HeaderButton("Printable register", url=reverse("risks:register"), icon_name="doc-full"))
        return buttons


class RiskEditView(EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(Button("Reviews and history", url=reviews_url(self.object.pk), icon_name="history", priority=5))
        return buttons


class RiskReviewForm(forms.Form):
    meeting = forms.ModelChoiceField(
        label="Steering group meeting",
        queryset=None,
        required=False,
        empty_label="Not at a meeting",
        help_text="The review is dated the meeting's day unless you give a date.",
    )
    reviewed_on = forms.DateField(
        label="Reviewed on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave blank for the meeting's day (or today).",
    )
    likelihood = forms.TypedChoiceField(choices=SCALE, coerce=int, help_text="1 = rare, 5 = almost certain")
    impact = forms.TypedChoiceField(choices=SCALE, coerce=int, help_text="1 = minimal, 5 = severe")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="What was said.")

    def __init__(self, *args, risk: Risk, **kwargs):
        from crm.models import Meeting

        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(series__kind="psg").select_related("series")
        self.fields["likelihood"].initial = risk.likelihood
        self.fields["impact"].initial = risk.impact


class RiskReviewsView(TeamOnlyMixin, WagtailAdminTemplateMixin, FormView):
    """A risk's review history, oldest first, and the form that records the next review."""

    template_name = "crm/admin/risk_reviews.html"
    form_class = RiskReviewForm
    header_icon = "history"

    @cached_property
    def risk(self) -> Risk:
        return get_object_or_404(Risk.objects.select_related("owner"), pk=self.kwargs["pk"])

    def get_page_title(self):
        return f"Reviews: {self.risk.title}"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("risks:index"), "label": "Risks"},
            {"url": reverse("risks:edit", args=[self.risk.pk]), "label": self.risk.title},
            {"url": "", "label": "Reviews"},
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "risk": self.risk}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            risk_review(
                risk=self.risk,
                likelihood=data["likelihood"],
                impact=data["impact"],
                note=data["note"],
                meeting=data["meeting"],
                reviewed_on=data["reviewed_on"],
                by=self.request.user,
            )
        except RiskReviewError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, f"Review recorded: the score is now {self.risk.current_score}.")
        return redirect(reviews_url(self.risk.pk))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reviews = list(risk_history(self.risk))
        context.update(
            risk=self.risk,
            reviews=reviews,
            rag_badge=rag_badge(self.risk.rag, self.risk.current_score),
            rows=[(review, rag_badge(review.rag, review.score_then)) for review in reviews],
            badge_style=RAG_BADGE_STYLE,
            overdue=self.risk.is_overdue_for_review(),
        )
        return context


class RiskRegisterPrintView(TeamOnlyMixin, TemplateView):
    """Every open risk on one printable page for a steering group pack: scores, RAG, controls, owner, movement."""

    template_name = "crm/admin/risk_register_print.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        risks = open_risks_for_pack()
        context.update(
            title=f"Programme risk register — open risks at {today:%-d %B %Y}",
            rows=[(risk, rag_badge(risk.rag, risk.current_score)) for risk in risks],
            today=today,
            badge_style=RAG_BADGE_STYLE,
            not_the_ct_register=NOT_THE_CT_REGISTER,
        )
        return context


class RiskViewSet(ExportModelViewSet):
    model = Risk
    name = "risks"
    url_prefix = "governance/risks"
    icon = "warning"
    menu_label = "Risks"
    add_to_admin_menu = False
    index_view_class = RiskIndexView
    edit_view_class = RiskEditView
    filterset_class = RiskFilterSet
    search_fields = ["title", "description", "controls", "owner_name"]
    list_display = [
        "title",
        "category",
        Column("score", label="Score", sort_key="score"),
        Column("rag", label="RAG", accessor=_rag_cell),
        Column("owner_display", label="Owner"),
        Column("last_reviewed_on", label="Last reviewed", sort_key="last_reviewed_on"),
        Column("review_flag", label="Review", accessor=_review_flag),
        "status",
    ]
    list_export = [
        "title",
        "category",
        "description",
        "likelihood",
        "impact",
        "score",
        "rag_label",
        "target_score",
        "owner_display",
        "controls",
        "status",
        "opened_on",
        "last_reviewed_on",
        "is_overdue_for_review",
    ]
    export_headings = {
        "rag_label": "RAG rating",
        "owner_display": "Owner",
        "is_overdue_for_review": "Overdue for review",
        "opened_on": "Added to the register",
        "last_reviewed_on": "Last reviewed",
    }
    export_filename = "programme-risk-register"
    export_names_people = True  # the owners
    export_select_related = ("owner",)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("reviews/<int:pk>/", RiskReviewsView.as_view(), name="reviews"),
            path("register/", RiskRegisterPrintView.as_view(), name="register"),
        ]


# --- Peer-review tracker ---------------------------------------------------------------------


class RecommendationIndexView(ExportIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().prefetch_related("actions")

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if is_team(self.request.user):
            buttons.append(
                HeaderButton("Progress summary", url=reverse("recommendations:progress"), icon_name="doc-full")
            )
        return buttons


class RecommendationProgressView(TeamOnlyMixin, TemplateView):
    """One printable page for committee papers: each recommendation, its priority, actions done, status, evidence."""

    template_name = "crm/admin/recommendation_progress.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        progress = recommendation_progress(today=today)
        sources = list(dict.fromkeys(item.recommendation.source for item in progress))
        context.update(
            title=f"Peer-review recommendations — progress at {today:%-d %B %Y}",
            progress=progress,
            sources=sources,
            done=sum(item.done for item in progress),
            total=sum(item.total for item in progress),
            today=today,
        )
        return context


class RecommendationViewSet(ExportModelViewSet):
    model = Recommendation
    name = "recommendations"
    url_prefix = "governance/recommendations"
    icon = "list-ul"
    menu_label = "Peer-review recommendations"
    add_to_admin_menu = False
    index_view_class = RecommendationIndexView
    list_display = ["reference", Column("text", label="Recommendation"), "source", "priority", "progress", "status"]
    list_filter = ["priority", "source"]
    search_fields = ["text", "reference", "source"]
    list_export = ["source", "reference", "text", "priority", "actions_done", "actions_total", "status", "created_at"]
    export_headings = {"actions_done": "Actions done", "actions_total": "Actions in all", "status": "Status"}
    export_filename = "peer-review-recommendations"
    export_names_people = False
    export_select_related = ()

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("progress/", RecommendationProgressView.as_view(), name="progress")]


class RecommendationActionViewSet(ExportModelViewSet):
    model = RecommendationAction
    name = "recommendation_actions"
    url_prefix = "governance/recommendation-actions"
    icon = "tasks"
    menu_label = "Peer-review actions"
    add_to_admin_menu = False
    sort_order_field = None  # ordered within their recommendation (its inline panel), not in this list
    panels = None  # set below: the action's panels with its recommendation first
    list_display = ["description", "recommendation", "owner", "due_on", "status", "evidence"]
    list_filter = ["status", "recommendation__priority", "due_on"]
    search_fields = ["description", "owner", "evidence_note"]
    list_export = [
        "recommendation__source",
        "recommendation__reference",
        "recommendation__text",
        "description",
        "owner",
        "due_on",
        "status",
        "evidence_document",
        "evidence_url",
        "evidence_note",
        "completed_on",
        "updated_at",
    ]
    export_headings = {
        "recommendation__source": "Source",
        "recommendation__reference": "Reference",
        "recommendation__text": "Recommendation",
        "evidence_document": "Evidence document",
    }
    export_filename = "peer-review-actions"
    export_names_people = True  # owners are named
    export_select_related = ("recommendation", "evidence_document")


def _action_panels():
    from wagtail.admin.panels import FieldPanel

    return [FieldPanel("recommendation"), *RecommendationAction.panels]


RecommendationActionViewSet.panels = _action_panels()


class GovernanceRegistersViewSetGroup(ModelViewSetGroup):
    """The registers' menu. The lead may move these items into the Governance group of meetings."""

    items = (RiskViewSet, RecommendationViewSet, RecommendationActionViewSet)
    menu_label = "Governance registers"
    menu_name = "governance-registers"
    menu_icon = "warning"
    menu_order = 260

    def get_submenu_items(self):
        return [
            *super().get_submenu_items(),
            TeamMenuItem(
                "Printable risk register", reverse("risks:register"), name="risk-register-print", icon_name="doc-full"
            ),
            TeamMenuItem(
                "Peer-review progress summary",
                reverse("recommendations:progress"),
                name="recommendation-progress",
                icon_name="doc-full",
            ),
        ]
