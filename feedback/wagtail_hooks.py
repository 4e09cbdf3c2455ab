"""The team's admin screens for feedback: the forms editors change without a developer (Snippets → Feedback forms)."""

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import FeedbackForm, Measure


class FeedbackFormAdminForm(WagtailAdminModelForm):
    """The form and its questions, checked together: each figure (measure) asked once per form.

    The database says so too (``one_question_per_measure_per_form``), but a question's form is not one
    of its fields, so the inline's own checks cannot see the clash: without this it would be a server error.
    """

    def clean(self):
        cleaned = super().clean()
        seen: dict[str, int] = {}
        for number, form in enumerate(self.formsets["questions"].forms, start=1):
            # The parent is cleaned before its formsets: clean each question first (its own checks run once).
            data = form.cleaned_data if form.is_valid() else {}
            if not data or data.get("DELETE") or not data.get("measure"):
                continue
            measure = data["measure"]
            if measure in seen:
                form.add_error(
                    "measure",
                    f"“{Measure(measure).label}” is already asked by question {seen[measure]}: "
                    "each figure can be asked once per form.",
                )
            else:
                seen[measure] = number
        return cleaned


class FeedbackFormViewSet(SnippetViewSet):
    """Feedback forms: the Prevent team's (the model's permissions, which only the team holds)."""

    model = FeedbackForm
    icon = "form"
    menu_label = "Feedback forms"
    list_display = ["title", "default_for", "updated_at"]
    list_filter = ["default_for"]
    search_fields = ["title"]
    edit_handler = ObjectList(FeedbackForm.panels, base_form_class=FeedbackFormAdminForm)


register_snippet(FeedbackFormViewSet)
