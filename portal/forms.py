from django import forms

from crm.models import OrganisationType, User
from crm.services import PROFILE_FIELDS, profile_update, signup_complete
from crm.text import CleanTextFormMixin

PROFILE_HELP = {
    "organisation_name": "For example: Hammersmith and Fulham Council, Brook Green Primary School",
    "job_role": "For example: Designated Safeguarding Lead, housing officer, youth worker",
}


class SignupForm(CleanTextFormMixin, forms.Form):
    """The profile questions added to allauth's sign-up form (email and password come from allauth)."""

    first_name = forms.CharField(
        max_length=150, label="First name", widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        max_length=150, label="Last name", widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    organisation_name = forms.CharField(
        label="Organisation",
        max_length=200,
        help_text=PROFILE_HELP["organisation_name"],
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    organisation_type = forms.ChoiceField(choices=[("", "Choose one")] + list(OrganisationType.choices))
    job_role = forms.CharField(
        max_length=200,
        help_text=PROFILE_HELP["job_role"],
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )

    field_order = [
        "email",
        "first_name",
        "last_name",
        "organisation_name",
        "organisation_type",
        "job_role",
        "password1",
        "password2",
    ]

    def signup(self, request, user):
        """Called by allauth once the account exists."""
        signup_complete(user=user, **{name: self.cleaned_data[name] for name in ProfileForm.Meta.fields})


class ProfileForm(CleanTextFormMixin, forms.ModelForm):
    """What a person may change about themselves. Never the elected-Member fields."""

    class Meta:
        model = User
        fields = list(PROFILE_FIELDS)
        help_texts = PROFILE_HELP

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].required = True

    def save(self, commit=True):
        return profile_update(user=self.instance, **self.cleaned_data)
