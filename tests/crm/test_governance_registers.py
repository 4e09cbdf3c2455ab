"""The steering group's registers (issue 13): the programme risk register and the peer-review tracker."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from crm import roles
from crm.governance.registers import (
    DONE_NEEDS_EVIDENCE,
    REVIEW_INTERVAL_DAYS,
    ActionProgress,
    Priority,
    Rag,
    Recommendation,
    RecommendationAction,
    Risk,
    RiskReview,
    RiskStatus,
    rag_q,
    rag_rating,
)
from crm.governance.registers_selectors import recommendation_progress, risk_history, risks_overdue_for_review
from crm.governance.registers_services import RiskReviewError, risk_review, risk_review_reminders_send
from crm.models import Meeting, MeetingSeries
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def psg(db):
    series = MeetingSeries.objects.create(name="Prevent Steering Group", slug="psg", kind="psg")

    def meeting(day: dt.date) -> Meeting:
        starts = dt.datetime.combine(day, dt.time(10), tzinfo=LONDON)
        return Meeting.objects.create(series=series, starts_at=starts, ends_at=starts + dt.timedelta(hours=2))

    return meeting


def make_risk(**fields) -> Risk:
    values = {
        "title": "Staff turnover in the Prevent team",
        "category": "workforce",
        "likelihood": 4,
        "impact": 4,
        "owner_name": "Prevent Coordinator",
        "controls": "Handover notes",
        "opened_on": dt.date(2026, 1, 5),
    }
    values.update(fields)
    return Risk.objects.create(**values)


# --- Score and RAG -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "rating"),
    [(1, Rag.GREEN), (6, Rag.GREEN), (8, Rag.AMBER), (12, Rag.AMBER), (15, Rag.RED), (25, Rag.RED), (0, None)],
)
def test_rag_bands(score, rating):
    assert rag_rating(score) == rating


def test_every_possible_score_falls_in_the_same_band_for_the_filter_and_the_function(db):
    for likelihood in range(1, 6):
        for impact in range(1, 6):
            make_risk(title=f"{likelihood}x{impact}", likelihood=likelihood, impact=impact)
    for rating in Rag:
        in_band = set(Risk.objects.filter(rag_q(rating)).values_list("title", flat=True))
        expected = {risk.title for risk in Risk.objects.all() if rag_rating(risk.score) == rating}
        assert in_band == expected and in_band


def test_the_score_is_likelihood_times_impact_worked_out_by_the_database(db):
    risk = make_risk(likelihood=3, impact=5)
    risk.refresh_from_db()
    assert risk.score == 15 and risk.rag == Rag.RED and risk.rag_label == "Red"
    Risk.objects.filter(pk=risk.pk).update(likelihood=2)
    assert Risk.objects.get(pk=risk.pk).score == 10


def test_a_risk_needs_an_owner(db):
    from django.core.exceptions import ValidationError

    risk = Risk(title="No owner", likelihood=2, impact=2)
    with pytest.raises(ValidationError):
        risk.full_clean()


# --- Reviews and history -------------------------------------------------------------------------


def test_three_reviews_give_the_history_in_order_and_the_last_review_sets_the_scores(frozen, psg, team_admin):
    risk = make_risk()
    march, june = psg(dt.date(2026, 3, 10)), psg(dt.date(2026, 6, 10))
    risk_review(risk=risk, likelihood=4, impact=3, note="First", meeting=march, by=team_admin)
    risk_review(risk=risk, likelihood=3, impact=3, note="Second", meeting=june, by=team_admin)
    risk_review(risk=risk, likelihood=3, impact=4, note="Third", by=team_admin)  # today, at no meeting

    history = list(risk_history(risk))
    assert [review.note for review in history] == ["First", "Second", "Third"]
    assert [review.reviewed_on for review in history] == [dt.date(2026, 3, 10), dt.date(2026, 6, 10), TODAY]
    assert [(review.previous_score, review.score_then, review.movement) for review in history] == [
        (16, 12, -4),
        (12, 9, -3),
        (9, 12, 3),
    ]
    assert [review.meeting for review in history] == [march, june, None]
    risk.refresh_from_db()
    assert (risk.likelihood, risk.impact, risk.score, risk.last_reviewed_on) == (3, 4, 12, TODAY)


def test_a_review_is_audited(frozen, team_admin):
    from wagtail.models import ModelLogEntry

    risk = make_risk()
    risk_review(risk=risk, likelihood=2, impact=4, by=team_admin)
    entry = ModelLogEntry.objects.get(action="crm.risk_review")
    assert entry.data["changes"] == {"likelihood": [4, 2]} and entry.user == team_admin


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"likelihood": 6, "impact": 2}, RiskReviewError.SCORE),
        ({"likelihood": 2, "impact": 2, "reviewed_on": dt.date(2026, 6, 16)}, RiskReviewError.FUTURE),
        ({"likelihood": 2, "impact": 2, "reviewed_on": dt.date(2026, 4, 1)}, RiskReviewError.BEFORE_LAST),
    ],
)
def test_bad_reviews_are_refused_and_nothing_moves(frozen, team_admin, kwargs, code):
    risk = make_risk()
    risk_review(risk=risk, likelihood=3, impact=3, reviewed_on=dt.date(2026, 5, 1), by=team_admin)
    with pytest.raises(RiskReviewError) as refused:
        risk_review(risk=risk, by=team_admin, **kwargs)
    assert refused.value.code == code
    risk.refresh_from_db()
    assert (risk.likelihood, risk.impact) == (3, 3) and RiskReview.objects.count() == 1


def test_a_closed_risk_is_not_reviewed(frozen, team_admin):
    risk = make_risk(status=RiskStatus.CLOSED)
    with pytest.raises(RiskReviewError) as refused:
        risk_review(risk=risk, likelihood=1, impact=1, by=team_admin)
    assert refused.value.code == RiskReviewError.CLOSED


def test_only_a_steering_group_meeting(frozen, team_admin):
    pag = MeetingSeries.objects.create(name="Prevent Advisory Group", slug="pag", kind="pag")
    starts = dt.datetime(2026, 6, 1, 18, tzinfo=LONDON)
    meeting = Meeting.objects.create(series=pag, starts_at=starts, ends_at=starts + dt.timedelta(hours=2))
    with pytest.raises(RiskReviewError) as refused:
        risk_review(risk=make_risk(), likelihood=1, impact=1, meeting=meeting, by=team_admin)
    assert refused.value.code == RiskReviewError.MEETING


# --- The quarterly flag and the one reminder ----------------------------------------------------


def test_a_risk_not_reviewed_for_more_than_a_quarter_is_flagged(db, team_admin):
    with time_machine.travel(dt.datetime(2026, 1, 5, 12, tzinfo=LONDON), tick=False):
        never = make_risk(title="Never reviewed", opened_on=dt.date(2026, 1, 5))
        reviewed = make_risk(title="Reviewed", opened_on=dt.date(2025, 6, 1))
        risk_review(risk=reviewed, likelihood=2, impact=2, by=team_admin)
        make_risk(title="Closed", opened_on=dt.date(2025, 1, 1), status=RiskStatus.CLOSED)
    last_quiet_day = dt.date(2026, 1, 5) + dt.timedelta(days=REVIEW_INTERVAL_DAYS)
    assert list(risks_overdue_for_review(today=last_quiet_day)) == []
    assert not never.is_overdue_for_review(last_quiet_day)
    with time_machine.travel(dt.datetime.combine(last_quiet_day, dt.time(12), tzinfo=LONDON) + dt.timedelta(days=1)):
        assert {risk.title for risk in risks_overdue_for_review()} == {"Never reviewed", "Reviewed"}
        assert never.is_overdue_for_review()


def test_the_team_is_reminded_once_per_overdue_spell(db, team_admin, make_user):
    make_user(roles.OUTREACH_OFFICER)  # not the team: never emailed
    with time_machine.travel(dt.datetime(2026, 1, 5, 12, tzinfo=LONDON), tick=False):
        risk = make_risk(opened_on=dt.date(2026, 1, 5))
        make_risk(title="Reviewed recently", opened_on=dt.date(2026, 1, 5))
        assert risk_review_reminders_send().emails == 0
    later = dt.datetime(2026, 4, 20, 7, tzinfo=LONDON)
    with time_machine.travel(later, tick=False):
        risk_review(risk=Risk.objects.get(title="Reviewed recently"), likelihood=2, impact=2, by=team_admin)
        first = risk_review_reminders_send()
        second = risk_review_reminders_send()
    assert (first.risks, first.emails, second.emails) == (1, 1, 0)
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [team_admin.email]
    assert "Staff turnover in the Prevent team" in email.body and "Reviewed recently" not in email.body
    risk.refresh_from_db()
    assert risk.review_reminder_sent_at is not None

    # A review clears it; a new overdue spell gets a new reminder, once.
    with time_machine.travel(dt.datetime(2026, 5, 1, 12, tzinfo=LONDON), tick=False):
        risk_review(risk=risk, likelihood=3, impact=3, by=team_admin)
        risk.refresh_from_db()
        assert risk.review_reminder_sent_at is None
        assert risk_review_reminders_send().emails == 0
    with time_machine.travel(dt.datetime(2026, 8, 20, 12, tzinfo=LONDON), tick=False):
        risk_review_reminders_send()
        risk_review_reminders_send()
    assert len(mail.outbox) == 2
    assert "Staff turnover in the Prevent team" in mail.outbox[1].body


def test_the_command_sends_the_reminder(db, team_admin):
    from django.core.management import call_command

    make_risk(opened_on=dt.date(2020, 1, 1))
    out = io.StringIO()
    call_command("send_risk_review_reminders", stdout=out)
    call_command("send_risk_review_reminders", stdout=out)
    assert len(mail.outbox) == 1
    assert "1 risk(s) newly overdue" in out.getvalue()


# --- Peer-review tracker -------------------------------------------------------------------------


def make_recommendation(reference="R1", priority=Priority.HIGH, actions=()):
    recommendation = Recommendation.objects.create(
        source="Home Office peer review, November 2018",
        reference=reference,
        text=f"Recommendation {reference}",
        priority=priority,
    )
    for description, due, status, url in actions:
        RecommendationAction.objects.create(
            recommendation=recommendation,
            description=description,
            owner="Prevent Coordinator",
            due_on=due,
            status=status,
            evidence_url=url,
            evidence_note="Done" if status == ActionProgress.DONE and not url else "",
        )
    return recommendation


@pytest.fixture
def recommendations(frozen):
    past, future = dt.date(2026, 5, 1), dt.date(2026, 9, 1)
    done, going = ActionProgress.DONE, ActionProgress.IN_PROGRESS
    make_recommendation(
        "R1", actions=[("Briefings", past, done, "https://example.gov.uk/briefings"), ("Mandatory", past, done, "")]
    )
    make_recommendation(
        "R2", Priority.MEDIUM, actions=[("Report", past, done, ""), ("Work programme", past, going, "")]
    )
    make_recommendation("R3", Priority.LOW, actions=[("Boards", future, going, "")])
    make_recommendation("R4", Priority.LOW)


def test_the_progress_of_each_recommendation(recommendations):
    progress = {item.recommendation.reference: item for item in recommendation_progress()}
    assert [(progress[ref].done, progress[ref].total, progress[ref].status) for ref in ("R1", "R2", "R3", "R4")] == [
        (2, 2, "Complete"),
        (1, 2, "Overdue"),
        (0, 1, "On track"),
        (0, 0, "No actions yet"),
    ]
    assert progress["R1"].latest_evidence.evidence in ("https://example.gov.uk/briefings", "Done")
    assert progress["R3"].latest_evidence is None


def test_an_action_done_needs_evidence(db):
    from django.core.exceptions import ValidationError

    recommendation = make_recommendation()
    action = RecommendationAction(
        recommendation=recommendation, description="x", owner="y", due_on=TODAY, status=ActionProgress.DONE
    )
    with pytest.raises(ValidationError) as refused:
        action.full_clean()
    assert DONE_NEEDS_EVIDENCE in str(refused.value)
    action.evidence_note = "Minutes of 3 May"
    action.full_clean()


# --- Admin screens -------------------------------------------------------------------------------


def body(response) -> str:
    return response.content.decode()


def read(response, fmt):
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        heading, *rows = csv.reader(io.StringIO(data.decode("utf-8-sig")))
        return heading, rows
    sheet = load_workbook(io.BytesIO(data)).active
    heading, *rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    return heading, rows


@pytest.fixture
def register(frozen, psg, team_admin):
    high = make_risk(title="Uncertainty over Home Office funding", likelihood=4, impact=5, category="funding")
    risk_review(risk=high, likelihood=3, impact=5, meeting=psg(dt.date(2026, 5, 10)), note="Grant late", by=team_admin)
    make_risk(title="Venues not accessible", likelihood=2, impact=2, opened_on=dt.date(2025, 1, 1))
    make_risk(title="Old closed risk", likelihood=5, impact=5, status=RiskStatus.CLOSED)
    return high


def test_the_risk_list_shows_rag_with_its_word_and_flags_overdue(client, register, team_admin):
    client.force_login(team_admin)
    page = body(client.get(reverse("risks:index")))
    assert 'rag-badge--red">Red</span>' in page and 'rag-badge--green">Green</span>' in page
    assert page.count("<strong>Overdue for review</strong>") == 1
    overdue = body(client.get(reverse("risks:index") + "?review=overdue"))
    assert "Venues not accessible" in overdue and "Uncertainty over Home Office funding" not in overdue
    red = body(client.get(reverse("risks:index") + "?rag=red"))
    assert "Uncertainty over Home Office funding" in red and "Venues not accessible" not in red


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_risk_register_exports_read_back(client, register, team_admin, fmt):
    client.force_login(team_admin)
    heading, rows = read(client.get(reverse("risks:index") + f"?export={fmt}"), fmt)
    assert heading[:7] == ["Title", "Category", "Description", "Likelihood", "Impact", "Score", "RAG rating"]
    by_title = {row[0]: row for row in rows}
    funding = by_title["Uncertainty over Home Office funding"]
    assert [str(value) for value in funding[3:7]] == ["3", "5", "15", "Red"]
    assert by_title["Venues not accessible"][heading.index("Overdue for review")] == "Yes"
    assert by_title["Venues not accessible"][heading.index("Owner")] == "Prevent Coordinator"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_recommendations_and_actions_export_read_back(client, recommendations, team_admin, fmt):
    client.force_login(team_admin)
    heading, rows = read(client.get(reverse("recommendations:index") + f"?export={fmt}"), fmt)
    r2 = next(row for row in rows if row[1] == "R2")
    assert [str(r2[heading.index(name)]) for name in ("Actions done", "Actions in all", "Status")] == [
        "1",
        "2",
        "Overdue",
    ]
    heading, rows = read(client.get(reverse("recommendation_actions:index") + f"?export={fmt}"), fmt)
    briefings = next(row for row in rows if row[heading.index("Description")] == "Briefings")
    assert briefings[heading.index("Evidence link")] == "https://example.gov.uk/briefings"
    assert briefings[heading.index("Reference")] == "R1"


def test_recording_a_review_from_the_admin(client, register, team_admin, psg):
    client.force_login(team_admin)
    url = reverse("risks:reviews", args=[register.pk])
    page = body(client.get(url))
    assert "Grant late" in page and "Down 5 (from 20)" in page
    meeting = psg(dt.date(2026, 6, 12))
    response = client.post(url, {"meeting": meeting.pk, "likelihood": 2, "impact": 5, "note": "Grant confirmed"})
    assert response.status_code == 302
    register.refresh_from_db()
    assert (register.score, register.last_reviewed_on) == (10, dt.date(2026, 6, 12))
    # A date before the last review: said, and nothing saved.
    response = client.post(url, {"reviewed_on": "2026-06-01", "likelihood": 1, "impact": 1})
    assert response.status_code == 200 and "record reviews in date order" in body(response)
    assert register.reviews.count() == 2


def test_a_risks_scores_are_not_typed_on_its_edit_page(client, register, team_admin):
    client.force_login(team_admin)
    url = reverse("risks:edit", args=[register.pk])
    form = {
        "title": register.title,
        "category": register.category,
        "status": "open",
        "opened_on": "2026-01-05",
        "likelihood": 1,
        "impact": 1,
        "owner_name": "Head of Community Safety",
        "controls": "Exit plans",
    }
    response = client.post(url, form)
    assert response.status_code == 302, body(response)[:2000]
    register.refresh_from_db()
    assert (register.likelihood, register.impact, register.owner_name) == (3, 5, "Head of Community Safety")


def test_the_printable_register(client, register, team_admin):
    client.force_login(team_admin)
    page = body(client.get(reverse("risks:register")))
    assert "@media print" in page and "police-restricted" in page
    assert "Uncertainty over Home Office funding" in page and "Venues not accessible" in page
    assert "Old closed risk" not in page
    assert "↓ down 5 (was 20)" in page and "Not yet reviewed" in page
    assert 'rag-badge--red">Red (15)</span>' in page
    assert page.index("Uncertainty over Home Office funding") < page.index("Venues not accessible")


def test_the_progress_summary(client, recommendations, team_admin):
    client.force_login(team_admin)
    page = body(client.get(reverse("recommendations:progress")))
    assert "@media print" in page and "Home Office peer review, November 2018" in page
    assert "3 of 5 actions done" in page
    assert "status--overdue" in page and "status--complete" in page and "No actions yet" in page
    assert 'href="https://example.gov.uk/briefings"' in page or "Done" in page


ADMIN_URLS = [
    ("risks:index", False),
    ("risks:add", False),
    ("risks:register", False),
    ("risks:reviews", True),
    ("risks:edit", True),
    ("recommendations:index", False),
    ("recommendations:add", False),
    ("recommendations:progress", False),
    ("recommendation_actions:index", False),
]


@pytest.mark.parametrize("role", [r for r in roles.ALL_ROLES if r != roles.PREVENT_ADMIN])
def test_every_register_screen_is_refused_to_other_roles(client, register, role):
    client.force_login(UserFactory(roles=[role]))
    for name, with_risk in ADMIN_URLS:
        url = reverse(name, args=[register.pk] if with_risk else [])
        response = client.get(url)
        if role == roles.OUTREACH_OFFICER:  # in the admin, but not for this: Wagtail's refusal
            assert response.status_code == 302 and response["Location"] == "/admin/", (name, response.status_code)
        else:
            assert response.status_code == 403, (name, response.status_code)
        assert client.post(url, {"likelihood": 1, "impact": 1}).status_code in (302, 403)
    register.refresh_from_db()
    assert register.reviews.count() == 1


def test_every_register_screen_opens_for_the_team(client, register, team_admin):
    client.force_login(team_admin)
    for name, with_risk in ADMIN_URLS:
        response = client.get(reverse(name, args=[register.pk] if with_risk else []))
        assert response.status_code == 200, name


def test_a_risks_owner_is_chosen_from_staff_accounts_only(client, team_admin, make_user):
    make_user(roles.TRAINER, first_name="Tara", last_name="Trainer")
    make_user(roles.LEARNER, first_name="Lena", last_name="Learner")
    client.force_login(team_admin)
    page = body(client.get(reverse("risks:add")))
    owner_select = page[page.index('name="owner"') : page.index("</select>", page.index('name="owner"'))]
    assert "Tara Trainer" in owner_select and "Lena Learner" not in owner_select
    assert "police-restricted" in page  # the help text says what never goes in the register


def test_the_demo_registers_are_made_once_and_reuse_the_steering_groups_meetings(frozen, psg):
    from crm.governance import registers_demo

    UserFactory(roles=[roles.PREVENT_ADMIN], email=registers_demo.TEAM_EMAIL)
    assert registers_demo.psg_meeting_dates(TODAY) == [
        dt.date(2025, 8, 10),
        dt.date(2025, 11, 10),
        dt.date(2026, 2, 10),
        dt.date(2026, 5, 10),
    ]
    made_first = psg(dt.date(2026, 5, 12))  # the meetings' demo chose another day: used, not doubled
    registers_demo.seed()
    registers_demo.seed()
    assert Meeting.objects.filter(series__slug="psg").count() == 4
    assert Risk.objects.count() == 10 and Recommendation.objects.count() == 5
    assert made_first.risk_reviews.count() == 9  # every risk but the one left overdue
    assert [risk.title for risk in risks_overdue_for_review()] == ["Venues not accessible for training"]
    reviewed = Risk.objects.get(title="Uncertainty over Home Office funding")
    assert [review.score_then for review in risk_history(reviewed)] == [20, 20, 15, 15]
    statuses = {item.recommendation.reference: item.status for item in recommendation_progress()}
    assert statuses["R3"] == "Complete" and statuses["R2"] == "Overdue"
