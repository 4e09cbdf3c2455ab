import re

from django import forms
from django.core.validators import validate_email

from crm.models import OrganisationType
from crm.text import CleanTextFormMixin

from .services import MAX_COLLEAGUES


class ColleaguesForm(forms.Form):
    """A lead invites colleagues: their work email addresses, one per line (or separated by commas)."""

    colleagues = forms.CharField(
        label="Colleagues' work email addresses",
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off", "spellcheck": "false"}),
        help_text=f"One work email address per line, up to {MAX_COLLEAGUES} at once. "
        "For example: sam.patel@school.example.sch.uk",
    )

    def clean_colleagues(self) -> list[str]:
        addresses, problems = [], []
        for number, line in enumerate(self.cleaned_data["colleagues"].splitlines(), start=1):
            for piece in re.split(r"[,;]", line):
                piece = piece.strip()
                if not piece:
                    continue
                inside = re.search(r"<([^<>]+)>", piece)  # "Sam Patel <sam@school.example>" pasted from email
                email = (inside.group(1) if inside else piece).strip()
                try:
                    validate_email(email)
                except forms.ValidationError:
                    problems.append(f'Line {number}: "{piece}" is not an email address. Put one work email per line.')
                    continue
                addresses.append(email)
        if problems:
            raise forms.ValidationError(problems)
        if not addresses:
            raise forms.ValidationError("Add at least one colleague's work email.")
        return addresses


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
