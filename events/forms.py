from django import forms
from django.core.validators import validate_email

from crm.models import OrganisationType
from crm.text import CleanTextFormMixin

from .services import MAX_COLLEAGUES, Colleague


class ColleaguesForm(forms.Form):
    """A lead books named colleagues: one per line, "Name, email"."""

    colleagues = forms.CharField(
        label="Colleagues to book",
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off"}),
        help_text=f"One person per line: their name, a comma, then their work email. Up to {MAX_COLLEAGUES} people. "
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


class WalkInForm(CleanTextFormMixin, forms.Form):
    """Someone not signed in scans the session QR code: who they are, as the register and certificate need it."""

    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={"required": "Enter your full name."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Work email",
        max_length=254,
        error_messages={
            "required": "Enter your work email.",
            "invalid": "Enter an email address like name@example.gov.uk.",
        },
        help_text="Your own email. If it has an account with us, we email it a link that adds this session "
        "to My training.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    organisation_name = forms.CharField(
        label="Organisation",
        max_length=200,
        error_messages={"required": "Enter the organisation you work for."},
        help_text="For example: Hammersmith and Fulham Council, Brook Green Primary School",
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    organisation_type = forms.ChoiceField(
        label="Organisation type",
        choices=[("", "Choose one")] + list(OrganisationType.choices),
        error_messages={"required": "Choose the type of organisation."},
    )
    job_role = forms.CharField(
        label="Job role",
        max_length=200,
        error_messages={"required": "Enter your job role."},
        help_text="For example: Designated Safeguarding Lead, housing officer, youth worker",
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class ExternalCertificateForm(forms.Form):
    """Someone sends in a certificate of training done elsewhere."""

    title = forms.CharField(
        label="Name of the training",
        max_length=200,
        help_text="As written on the certificate, e.g. Home Office Prevent awareness e-learning.",
    )
    completed_on = forms.DateField(
        label="Date on the certificate",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The day you completed it.",
    )
    file = forms.FileField(
        label="Certificate",
        help_text="A PDF, or a photo (PNG or JPEG), up to 5 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )
