"""The team changes the feedback questions in the admin (Snippets → Feedback forms), without a developer."""

import pytest

from crm import roles
from feedback.models import FeedbackForm, Measure

LIST = "/admin/snippets/feedback/feedbackform/"


def edit_url(form: FeedbackForm) -> str:
    return f"{LIST}edit/{form.pk}/"


def form_data(form: FeedbackForm, **changes) -> dict[str, str]:
    """What the edit page posts for ``form`` as it is; ``changes`` sets fields, "questions" replaces the rows."""
    questions = changes.pop(
        "questions",
        [
            {
                "id": str(question.pk),
                "label": question.label,
                "help_text": question.help_text,
                "kind": question.kind,
                "measure": question.measure,
                "required": "on" if question.required else "",
                "choices": question.choices,
            }
            for question in form.questions.all()
        ],
    )
    data = {
        "title": form.title,
        "introduction": form.introduction,
        "default_for": form.default_for,
        "courses-TOTAL_FORMS": "0",
        "courses-INITIAL_FORMS": "0",
        "courses-MIN_NUM_FORMS": "0",
        "courses-MAX_NUM_FORMS": "1000",
        "questions-TOTAL_FORMS": str(len(questions)),
        "questions-INITIAL_FORMS": str(sum(1 for question in questions if question.get("id"))),
        "questions-MIN_NUM_FORMS": "1",
        "questions-MAX_NUM_FORMS": "1000",
        **changes,
    }
    for number, question in enumerate(questions):
        for key, value in question.items():
            if value:
                data[f"questions-{number}-{key}"] = value
        data[f"questions-{number}-ORDER"] = str(number + 1)
        data.setdefault(f"questions-{number}-id", "")
    return data


@pytest.fixture
def team_client(client, team_admin):
    client.force_login(team_admin)
    return client


def test_the_team_lists_the_default_forms(team_client):
    page = team_client.get(LIST).content.decode()
    for title in ("WRAP feedback", "Elected Member training feedback", "Education briefing feedback"):
        assert title in page


def test_the_team_rewords_a_question_and_adds_one_of_their_own(team_client, wrap_form):
    data = form_data(wrap_form)
    overall = next(key for key, value in data.items() if value == Measure.OVERALL and key.endswith("-measure"))
    data[overall.replace("-measure", "-label")] = "All in all, how was it?"
    number = int(data["questions-TOTAL_FORMS"])
    data["questions-TOTAL_FORMS"] = str(number + 1)
    data.update(
        {
            f"questions-{number}-id": "",
            f"questions-{number}-label": "How did you hear about the session?",
            f"questions-{number}-kind": "choice",
            f"questions-{number}-choices": "My manager\nThe intranet\nA colleague",
            f"questions-{number}-ORDER": str(number + 1),
        }
    )
    response = team_client.post(edit_url(wrap_form), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert wrap_form.questions.get(measure=Measure.OVERALL).label == "All in all, how was it?"
    own = wrap_form.questions.get(label="How did you hear about the session?")
    assert own.choice_list == ["My manager", "The intranet", "A colleague"] and own.measure == ""


def test_a_question_that_breaks_the_rules_shows_why_in_the_form(team_client, wrap_form):
    data = form_data(wrap_form)
    overall_kind = next(
        key.replace("-measure", "-kind")
        for key, value in data.items()
        if value == Measure.OVERALL and key.endswith("-measure")
    )
    data[overall_kind] = "text"  # a rating measure with a written answer: the model's clean() refuses it
    response = team_client.post(edit_url(wrap_form), data)
    assert response.status_code == 200
    assert "needs the answer kind “Rating from 1 to 5”" in response.content.decode()
    assert wrap_form.questions.get(measure=Measure.OVERALL).kind == "rating"


def test_a_figure_asked_twice_is_refused_in_the_form_not_a_server_error(team_client, wrap_form):
    data = form_data(wrap_form)
    number = int(data["questions-TOTAL_FORMS"])
    data["questions-TOTAL_FORMS"] = str(number + 1)
    data.update(
        {
            f"questions-{number}-label": "Overall again?",
            f"questions-{number}-kind": "rating",
            f"questions-{number}-measure": "overall",
            f"questions-{number}-ORDER": str(number + 1),
        }
    )
    response = team_client.post(edit_url(wrap_form), data)
    assert response.status_code == 200
    assert "each figure can be asked once per form" in response.content.decode()
    assert wrap_form.questions.count() == 8


def test_a_second_default_for_a_category_is_refused(team_client, wrap_form):
    education = FeedbackForm.objects.get(default_for="education")
    response = team_client.post(edit_url(education), form_data(education, default_for="wrap"))
    assert response.status_code == 200
    assert "already the default for this category" in response.content.decode()


@pytest.mark.parametrize("role", [roles.OUTREACH_OFFICER, roles.TRAINER, roles.LEARNER])
def test_only_the_team_edits_feedback_forms(client, make_user, wrap_form, role):
    client.force_login(make_user(role))
    assert client.get(edit_url(wrap_form)).status_code in (302, 403)
    client.post(edit_url(wrap_form), form_data(wrap_form, title="Changed"))
    wrap_form.refresh_from_db()
    assert wrap_form.title == "WRAP feedback"
