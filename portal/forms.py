from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm
from django import forms
from django.utils.html import format_html, format_html_join

from crm.models import OrganisationType, User
from crm.selectors import (
    organisation_choice_label,
    organisation_choices,
    organisation_for_choice,
    organisation_name_key,
    organisation_suggestions,
)
from crm.services import profile_update, signup_complete
from crm.text import CleanTextFormMixin

PROFILE_HELP = {
    "organisation_name": "Start typing its name, or a school's 6-digit URN, and choose it from the list.",
    "job_role": "For example: Designated Safeguarding Lead, housing officer, youth worker",
}
NOT_LISTED_LABEL = "My organisation is not in the list"
NOT_LISTED_HELP = "We keep the name as you typed it, and the Prevent team adds it to the list."
ORGANISATION_TYPE_HELP = "Needed only when your organisation is not in the list."
ORGANISATION_TYPE_NEEDED = "The organisation type is required when your organisation is not in the list: choose one."
DID_YOU_MEAN = (
    "Did you mean “{label}”? Choose it from the list, or tick “"
    + NOT_LISTED_LABEL
    + "” to keep the name as you typed it."
)
# How close a typed name must be to an organisation's for the form to ask "Did you mean ...?" (crm.selectors).
DID_YOU_MEAN_SCORE = 0.8
ORGANISATION_OPTIONS_ID = "organisation-options"


class OrganisationSearchInput(forms.TextInput):
    """A text box offering the register's organisations as you type: an HTML ``<datalist>``, no JavaScript needed.

    Each option is an organisation's name, with a school's URN ("Brook Green Primary School (URN 100321)"),
    so typing part of the name or the URN finds it. Anything else typed is kept as typed.
    """

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "organization", "list": ORGANISATION_OPTIONS_ID, **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        box = super().render(name, value, attrs, renderer)
        options = format_html_join(
            "", '<option value="{}"></option>', ((label,) for _org, label in organisation_choices())
        )
        return box + format_html('<datalist id="{}">{}</datalist>', self.attrs["list"], options)


class OrganisationChoiceMixin(forms.Form):
    """The organisation questions of sign-up and My account: a searchable choice, or "not in the list".

    ``clean`` puts the chosen ``crm.Organisation`` (or None) in ``cleaned_data["organisation"]``;
    ``crm.services.profile_update`` then sets the typed name and type from it. A name close to one in
    the list, not ticked as "not in the list", is asked about ("Did you mean ...?") rather than kept.
    """

    current_organisation = None  # My account: the organisation the person is linked to now

    organisation_name = forms.CharField(
        label="Organisation",
        max_length=200,
        help_text=PROFILE_HELP["organisation_name"],
        widget=OrganisationSearchInput(),
    )
    organisation_not_listed = forms.BooleanField(label=NOT_LISTED_LABEL, required=False, help_text=NOT_LISTED_HELP)
    organisation_type = forms.ChoiceField(
        label="Organisation type",
        choices=[("", "Choose one")] + list(OrganisationType.choices),
        required=False,
        help_text=ORGANISATION_TYPE_HELP,
    )

    def clean(self):
        cleaned = super().clean()
        typed = (cleaned.get("organisation_name") or "").strip()
        if not typed:
            return cleaned
        organisation = None if cleaned.get("organisation_not_listed") else self.organisation_named(typed)
        if organisation is None and not cleaned.get("organisation_not_listed"):
            close = organisation_suggestions(
                typed, organisations=[org for org, _label in organisation_choices()], limit=1
            )
            if close and close[0].score >= DID_YOU_MEAN_SCORE:
                label = organisation_choice_label(close[0].organisation)
                self.add_error("organisation_name", DID_YOU_MEAN.format(label=label))
        if organisation is None and not cleaned.get("organisation_type"):
            self.add_error("organisation_type", ORGANISATION_TYPE_NEEDED)
        cleaned["organisation"] = organisation
        return cleaned

    def organisation_named(self, typed: str):
        """The organisation ``typed`` names: one in the list, or the one the person is linked to already
        (which stays theirs even when it has left the list, say a school that closed)."""
        current = self.current_organisation
        if current is not None and organisation_name_key(typed) in (
            organisation_name_key(current.name),
            organisation_name_key(organisation_choice_label(current)),
        ):
            return current
        return organisation_for_choice(typed)

    def organisation_fields(self) -> dict:
        """What the profile service is given: the typed name and type, and the organisation chosen (or None)."""
        return {name: self.cleaned_data[name] for name in ("organisation_name", "organisation_type", "organisation")}


class SignupForm(CleanTextFormMixin, OrganisationChoiceMixin, forms.Form):
    """The profile questions added to allauth's sign-up form (email and password come from allauth)."""

    first_name = forms.CharField(
        max_length=150, label="First name", widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        max_length=150, label="Last name", widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
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
        "organisation_not_listed",
        "organisation_type",
        "job_role",
        "password1",
        "password2",
    ]

    def signup(self, request, user):
        """Called by allauth once the account exists."""
        signup_complete(
            user=user,
            first_name=self.cleaned_data["first_name"],
            last_name=self.cleaned_data["last_name"],
            job_role=self.cleaned_data["job_role"],
            **self.organisation_fields(),
        )


class ProfileForm(CleanTextFormMixin, OrganisationChoiceMixin, forms.Form):
    """What a person may change about themselves (``instance``). Never the elected-Member fields."""

    first_name = forms.CharField(max_length=150, label="First name")
    last_name = forms.CharField(max_length=150, label="Last name")
    job_role = forms.CharField(max_length=200, label="Job role", help_text=PROFILE_HELP["job_role"])

    field_order = [
        "first_name",
        "last_name",
        "organisation_name",
        "organisation_not_listed",
        "organisation_type",
        "job_role",
    ]

    def __init__(self, *args, instance: User, **kwargs):
        self.instance = instance
        self.current_organisation = instance.organisation
        typed = instance.organisation_name
        if instance.organisation_id:
            typed = organisation_choice_label(instance.organisation)
        kwargs.setdefault(
            "initial",
            {
                "first_name": instance.first_name,
                "last_name": instance.last_name,
                "organisation_name": typed,
                # Kept as typed before: saving again keeps it so, without asking "Did you mean ...?".
                "organisation_not_listed": bool(
                    typed and not instance.organisation_id and organisation_for_choice(typed) is None
                ),
                "organisation_type": instance.organisation_type,
                "job_role": instance.job_role,
            },
        )
        super().__init__(*args, **kwargs)

    def save(self):
        return profile_update(
            user=self.instance,
            first_name=self.cleaned_data["first_name"],
            last_name=self.cleaned_data["last_name"],
            job_role=self.cleaned_data["job_role"],
            **self.organisation_fields(),
        )


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
