"""Default feedback forms, so every course asks from the day this is installed.

WRAP and Elected Member training have their own defaults; education briefings and other courses get
the same eight standard questions, so none is left without. Editors change them in the admin
(Snippets → Feedback forms). A form already the default for a category is left as it is.
"""

from django.db import migrations

RATING = "rating"
YES_NO = "yes_no"
TEXT = "text"

# (label, help text, kind, measure, required)
STANDARD_QUESTIONS = [
    ("Overall, how would you rate the session?", "1 is poor, 5 is excellent.", RATING, "overall", True),
    ("How would you rate the trainer?", "1 is poor, 5 is excellent.", RATING, "trainer", True),
    ("How relevant was the session to your role?", "1 is not at all, 5 is very relevant.", RATING, "relevance", True),
    (
        "Before the session, how confident were you to recognise a concern and know how to refer it?",
        "1 is not at all confident, 5 is very confident.",
        RATING,
        "confidence_before",
        True,
    ),
    (
        "After the session, how confident are you to recognise a concern and know how to refer it?",
        "1 is not at all confident, 5 is very confident.",
        RATING,
        "confidence_after",
        True,
    ),
    ("Would you recommend this session to a colleague?", "", YES_NO, "recommend", True),
    ("What was most useful?", "Please leave out anyone's contact details.", TEXT, "most_useful", False),
    ("What could we improve?", "Please leave out anyone's contact details.", TEXT, "improve", False),
]
MEMBER_QUESTIONS = [
    ("How relevant was the session to your role as a councillor?", *question[1:])
    if question[3] == "relevance"
    else question
    for question in STANDARD_QUESTIONS
]

DEFAULT_FORMS = [
    (
        "wrap",
        "WRAP feedback",
        "Thank you for attending the Workshop to Raise Awareness of Prevent (WRAP). "
        "Your answers help us improve the training.",
        STANDARD_QUESTIONS,
    ),
    (
        "member",
        "Elected Member training feedback",
        "Thank you for attending Prevent training for elected Members. Your answers help us improve the briefing.",
        MEMBER_QUESTIONS,
    ),
    (
        "education",
        "Education briefing feedback",
        "Thank you for attending the Prevent briefing for education staff. Your answers help us improve it.",
        STANDARD_QUESTIONS,
    ),
    ("other", "Training feedback", "Thank you for attending. Your answers help us improve the training.", STANDARD_QUESTIONS),
]


def add_default_forms(apps, schema_editor):
    FeedbackForm = apps.get_model("feedback", "FeedbackForm")
    FeedbackQuestion = apps.get_model("feedback", "FeedbackQuestion")
    for category, title, introduction, questions in DEFAULT_FORMS:
        if FeedbackForm.objects.filter(default_for=category).exists():
            continue
        form = FeedbackForm.objects.create(title=title, introduction=introduction, default_for=category)
        FeedbackQuestion.objects.bulk_create(
            FeedbackQuestion(
                form=form,
                sort_order=order,
                label=label,
                help_text=help_text,
                kind=kind,
                measure=measure,
                required=required,
            )
            for order, (label, help_text, kind, measure, required) in enumerate(questions)
        )


def remove_default_forms(apps, schema_editor):
    FeedbackForm = apps.get_model("feedback", "FeedbackForm")
    titles = [title for _category, title, _introduction, _questions in DEFAULT_FORMS]
    FeedbackForm.objects.filter(title__in=titles, default_for__in=[row[0] for row in DEFAULT_FORMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0002_imports_no_shows")]

    operations = [migrations.RunPython(add_default_forms, remove_default_forms)]
