"""Issue 12: an attendee answers the feedback form on a 360 px phone, from My training and from the check-in screen."""

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from crm import roles
from events.models import Attendance
from feedback.errors import ANSWER_MESSAGES
from feedback.models import FeedbackForm, FeedbackResponse
from tests.browser.helpers import session_starting, sign_in
from tests.conftest import axe_violations, page_overflows
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def default_forms(wrap):
    """The default forms the migration makes (a transactional test before this one may have flushed them)."""
    from importlib import import_module

    if not FeedbackForm.objects.exists():
        import_module("feedback.migrations.0003_default_forms").add_default_forms(apps, None)
    return FeedbackForm.objects.get(default_for="wrap")


def rate(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def test_an_attendee_answers_the_feedback_form_on_a_phone(phone_page, wrap, default_forms):
    from crm.roles import sync_roles

    sync_roles()
    learner = UserFactory(roles=[roles.LEARNER], first_name="Sam", last_name="Taylor")
    session = session_starting(wrap, minutes=-24 * 60)
    Attendance.objects.create(session=session, user=learner, full_name="Sam Taylor", email=learner.email)
    page = phone_page
    sign_in(page, learner)
    expect(page.locator('[data-kind="feedback"]')).to_have_text(
        "Give feedback" + f" about {wrap.title}, {timezone.localtime(session.starts_at):%-d %b %Y}"
    )
    assert axe_violations(page) == []
    page.locator('[data-kind="feedback"]').click()
    page.get_by_role("heading", name=f"How was {wrap.title}?").wait_for()
    assert axe_violations(page) == []
    assert not page_overflows(page)

    # Sent half-done: every missing answer is named, nothing is kept.
    rate(page, "Overall, how would you rate the session?", "5")
    page.get_by_role("button", name="Send my feedback").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("How would you rate the trainer?: " + ANSWER_MESSAGES["required"])
    assert not FeedbackResponse.objects.exists()
    assert axe_violations(page) == []
    assert not page_overflows(page)

    rate(page, "Overall, how would you rate the session?", "5")
    rate(page, "How would you rate the trainer?", "4")
    rate(page, "How relevant was the session to your role?", "4")
    rate(page, "Before the session, how confident were you to recognise a concern and know how to refer it?", "2")
    rate(page, "After the session, how confident are you to recognise a concern and know how to refer it?", "4")
    rate(page, "Would you recommend this session to a colleague?", "Yes")
    page.get_by_label("What was most useful?").fill("Knowing who to call, and Helen's local examples.")
    page.get_by_role("button", name="Send my feedback").click()
    page.get_by_role("heading", name="Thank you for your feedback").wait_for()
    assert axe_violations(page) == []
    response = FeedbackResponse.objects.get()
    assert (response.overall, response.trainer, response.confidence_before, response.confidence_after) == (5, 4, 2, 4)
    assert response.would_recommend is True and response.attendance.user == learner

    page.get_by_role("link", name="Back to My training").click()
    expect(page.locator('[data-kind="feedback"]')).to_have_text("Feedback given: thank you")


def test_a_walk_in_checks_in_and_answers_anonymously_from_the_thank_you_screen(phone_page, wrap, default_forms):
    session = session_starting(wrap, minutes=5)
    page = phone_page
    page.goto(f"/checkin/{session.checkin_token}/")
    page.get_by_label("Full name").fill("Robin Okafor")
    page.get_by_label("Work email").fill("robin@youthclub.example.org")
    page.locator("#id_organisation_name").fill("Shepherd's Bush Youth Club")
    page.get_by_label("Organisation type").select_option("community")
    page.get_by_label("Job role").fill("Youth worker")
    page.get_by_role("button", name="Check me in").click()
    page.get_by_role("link", name="Give feedback").click()
    page.get_by_role("heading", name=f"How was {wrap.title}?").wait_for()
    expect(page.get_by_label("Answer anonymously")).to_be_checked()
    expect(page.get_by_label("Answer anonymously")).to_be_disabled()
    assert axe_violations(page) == []
    assert not page_overflows(page)
    for question in (
        "Overall, how would you rate the session?",
        "How would you rate the trainer?",
        "How relevant was the session to your role?",
        "After the session, how confident are you to recognise a concern and know how to refer it?",
    ):
        rate(page, question, "5")
    rate(page, "Before the session, how confident were you to recognise a concern and know how to refer it?", "3")
    rate(page, "Would you recommend this session to a colleague?", "Yes")
    page.get_by_role("button", name="Send my feedback").click()
    page.get_by_role("heading", name="Thank you for your feedback").wait_for()
    response = FeedbackResponse.objects.get()
    assert response.anonymous and response.attendance is None
    # The same link again says so, and takes no second answer.
    page.go_back()
    page.reload()
    expect(page.get_by_role("heading", name="Feedback already given")).to_be_visible()
    assert axe_violations(page) == []
    assert Attendance.objects.get(session=session).self_declared


def test_the_team_edits_a_feedback_form_in_the_admin(phone_page, default_forms):
    from crm.roles import sync_roles

    sync_roles()
    team_admin = UserFactory(roles=[roles.PREVENT_ADMIN])
    page = phone_page
    sign_in(page, team_admin)
    page.goto("/admin/snippets/feedback/feedbackform/")
    expect(page.get_by_role("link", name="WRAP feedback")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="WRAP feedback").click()
    page.locator("#id_title").wait_for()
    assert axe_violations(page) == []
    page.locator("#id_title").fill("WRAP feedback (2026)")
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_text("WRAP feedback (2026)").first).to_be_visible()
    default_forms.refresh_from_db()
    assert default_forms.title == "WRAP feedback (2026)" and default_forms.questions.count() == 8
