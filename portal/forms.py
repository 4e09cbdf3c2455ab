from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm
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


# Two-factor authentication (allauth.mfa, settings.MFA_FORMS): a phone shows its number keypad for the code.
CODE_WIDGET_ATTRS = {"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}


class MFAAuthenticateForm(AuthenticateForm):
    """Signing in, second step: the authenticator app's code, or a recovery code."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = "Code"
        self.fields[
            "code"
        ].help_text = (
            "The 6-digit code your authenticator app shows now. Lost your phone? Enter one of your recovery codes."
        )
        self.fields["code"].widget.attrs = dict(CODE_WIDGET_ATTRS)


class MFAReauthenticateForm(ReauthenticateForm):
    """Confirming it is you before changing two-factor authentication: a code, as when signing in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = "Code"
        self.fields["code"].help_text = "The 6-digit code your authenticator app shows now, or a recovery code."
        self.fields["code"].widget.attrs = dict(CODE_WIDGET_ATTRS)


class MFAActivateTOTPForm(ActivateTOTPForm):
    """Setting up the authenticator app: the code it shows proves it holds the secret."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = "Code from your authenticator app"
        self.fields["code"].help_text = "The 6-digit code the app shows for this site."
        self.fields["code"].widget.attrs = {
            key: value for key, value in CODE_WIDGET_ATTRS.items() if key != "autofocus"
        }
