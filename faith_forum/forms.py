"""The forum's public forms. Thin: they check what was typed; the rules are the services'."""

from __future__ import annotations

from django import forms

from crm.text import CleanTextFormMixin, personal_data_check

from .models import DirectoryConsents, Faith
from .services import faith_organisations

NOT_LISTED = "My organisation is not in the list"
NEW_NAME_NEEDED = "Give your organisation's name, or choose it from the list above."
NEW_ADDRESS_NEEDED = "Give your organisation's address, so the team can find it."
NOT_HERE = "This looks like {kind} ({found}). Put only what this box asks for here: your email goes in its own box."

CONSENT_HELP = {
    "in_directory": "The member directory is a page only forum members can see (never the public). "
    "It always shows your organisation's name and faith. Untick to be left out of it.",
    "share_address": "Your organisation's address from the council's list.",
    "share_phone": "Your organisation's general phone number, if the council holds one.",
    "share_email": "Your organisation's general email address (not yours), if the council holds one.",
    "share_website": "Your organisation's website.",
    "share_representatives": "The names and roles of the people who represent you in the forum. "
    "Never their email addresses.",
}


class OrganisationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.postcode})" if obj.postcode else obj.name


class ApplicationForm(CleanTextFormMixin, forms.Form):
    """Apply to join: the organisation (chosen or typed), faith, the applicant, and the directory consents.

    Signed in, the email is the account's and cannot be changed here (``locked_email``).
    """

    organisation = OrganisationChoice(
        queryset=None,
        required=False,
        label="Your organisation",
        empty_label=NOT_LISTED,
        help_text="The places of worship and faith organisations the council knows. "
        f"Not there? Choose “{NOT_LISTED}” and give its details below.",
    )
    new_organisation_name = forms.CharField(
        label="Organisation's name (if not in the list)", max_length=200, required=False
    )
    new_organisation_address = forms.CharField(
        label="Its address (if not in the list)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    new_organisation_postcode = forms.CharField(
        label="Its postcode (if not in the list)",
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    faith = forms.ChoiceField(
        label="The organisation's faith",
        choices=[("", "Choose one")] + list(Faith.choices),
        help_text="The organisation's tradition, as the forum lists it. We never record anyone's own beliefs.",
        error_messages={"required": "Choose your organisation's faith (or Interfaith, or Other)."},
    )
    full_name = forms.CharField(
        label="Your name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Give your name."},
    )
    job_role = forms.CharField(
        label="Your role at the organisation",
        max_length=200,
        help_text="For example: Trustee, Imam, Vicar, Secretary, Granthi",
        error_messages={"required": "Give your role at the organisation, for example Trustee or Secretary."},
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    email = forms.EmailField(
        label="Your work email",
        max_length=254,
        help_text="We email the decision here. If approved, this address signs in to the forum's pages.",
        error_messages={"required": "Give your work email address: the decision is emailed there."},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, locked_email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = faith_organisations()
        self.locked_email = locked_email
        if locked_email:
            field = self.fields["email"]
            field.disabled = True
            field.initial = locked_email
            field.help_text = "Your account's address: the decision is emailed here. Signed in, you apply as yourself."
        for name in DirectoryConsents.CONSENT_FIELDS:
            model_field = DirectoryConsents._meta.get_field(name)
            self.fields[name] = forms.BooleanField(
                label=model_field.verbose_name[:1].upper() + model_field.verbose_name[1:],
                required=False,
                initial=model_field.default,
                help_text=CONSENT_HELP[name],
            )

    def _no_personal_data(self, name: str) -> None:
        value = self.cleaned_data.get(name) or ""
        for message in personal_data_check(value, refused=NOT_HERE):
            self.add_error(name, message)

    def clean(self):
        cleaned = super().clean()
        if self.locked_email:
            cleaned["email"] = self.locked_email
        for name in ("full_name", "job_role", "new_organisation_name"):
            self._no_personal_data(name)
        if cleaned.get("organisation") is None and "organisation" not in self.errors:
            if not (cleaned.get("new_organisation_name") or "").strip():
                self.add_error("new_organisation_name", NEW_NAME_NEEDED)
            if not (cleaned.get("new_organisation_address") or "").strip():
                self.add_error("new_organisation_address", NEW_ADDRESS_NEEDED)
        return cleaned

    @property
    def consents(self) -> dict[str, bool]:
        return {name: bool(self.cleaned_data.get(name)) for name in DirectoryConsents.CONSENT_FIELDS}
