from django import forms
from django.core.validators import validate_email

from .services import MAX_COLLEAGUES, Colleague


class ColleaguesForm(forms.Form):
    """A lead books named colleagues: one per line, "Name, email"."""

    colleagues = forms.CharField(
        label="Colleagues to book",
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off"}),
        help_text=f'One person per line: their name, a comma, then their work email. Up to {MAX_COLLEAGUES} people. '
        "For example: Sam Patel, sam.patel@school.example.sch.uk",
    )

    def clean_colleagues(self) -> list[Colleague]:
        people, problems = [], []
        for number, line in enumerate(self.cleaned_data["colleagues"].splitlines(), start=1):
            if not line.strip():
                continue
            name, _, email = line.rpartition(",")
            name, email = name.strip(), email.strip()
            if not name:
                problems.append(f'Line {number}: write the name, a comma, then the email ("{line.strip()}").')
                continue
            try:
                validate_email(email)
            except forms.ValidationError:
                problems.append(f'Line {number}: "{email}" is not an email address.')
                continue
            people.append(Colleague(name=name, email=email))
        if problems:
            raise forms.ValidationError(problems)
        if not people:
            raise forms.ValidationError("Add at least one colleague's name and work email.")
        return people
