"""The feedback form a person fills in, built from the questions editors set (``FeedbackForm``).

The fields only gather what was typed; ``feedback.services.feedback_answers_clean`` decides what is
a good answer, so the form, the tests and any other way in give the same messages.
"""

from __future__ import annotations

from django import forms

from .models import FeedbackForm, FeedbackQuestion, QuestionKind

# The scale's meaning (1 is poor, 5 excellent...) is the question's help text, read out with it.
RATING_CHOICES = [(str(n), str(n)) for n in range(1, 6)]
YES_NO_CHOICES = [("yes", "Yes"), ("no", "No")]


def field_name(question: FeedbackQuestion) -> str:
    return f"q{question.pk}"


def _field(question: FeedbackQuestion) -> forms.Field:
    help_text = question.help_text
    if not question.required:
        help_text = f"{help_text} (Optional.)".strip()
    if question.kind == QuestionKind.RATING:
        widget = forms.RadioSelect(choices=RATING_CHOICES)
    elif question.kind == QuestionKind.YES_NO:
        widget = forms.RadioSelect(choices=YES_NO_CHOICES)
    elif question.kind == QuestionKind.CHOICE:
        widget = forms.RadioSelect(choices=[(choice, choice) for choice in question.choice_list])
    else:
        widget = forms.Textarea(attrs={"rows": 3})
    # Not ``required``: the service checks every answer and words every message (feedback.errors).
    field = forms.CharField(label=question.label, help_text=help_text, required=False, widget=widget, strip=False)
    field.question_required = question.required
    return field


class FeedbackAnswerForm(forms.Form):
    """One field per question, in the editors' order, then "answer anonymously".

    Text is cleaned by the service (``crm.text.clean_text``), which sees every way in.
    """

    use_required_attribute = False

    def __init__(self, *args, feedback_form: FeedbackForm, anonymous_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(feedback_form.questions.all())
        for question in self.questions:
            self.fields[field_name(question)] = _field(question)
        self.fields["anonymous"] = forms.BooleanField(
            label="Answer anonymously",
            required=False,
            initial=anonymous_only,
            disabled=anonymous_only,
            help_text=(
                "You checked in by typing your details at the door, so your answers are kept anonymously."
                if anonymous_only
                else "Your answers are kept without your name or any link to your attendance. In a small group, "
                "the team may still guess whose they are, so leave out anything that gives you away."
            ),
        )

    def answers(self) -> dict[str, str]:
        """What was typed for each question, keyed by the question's id (as ``feedback_submit`` takes it)."""
        return {str(question.pk): self.cleaned_data.get(field_name(question), "") for question in self.questions}

    def add_answer_errors(self, errors: dict[str, list[str]]) -> None:
        """Put the service's messages (``FeedbackInvalid.errors``) beside their questions."""
        for question in self.questions:
            for message in errors.get(str(question.pk), []):
                self.add_error(field_name(question), message)
