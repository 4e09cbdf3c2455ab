"""The PAG members' forms: a concern, an agenda item. The organisation is never chosen freely."""

from __future__ import annotations

from django import forms

from crm.models import Ward
from crm.text import CleanTextFormMixin

from .models import ConcernLevel, ConcernTheme

NEVER_A_PERSON = (
    "Describe the place and what is happening, never a named person: names, email addresses, phone "
    "numbers and postcodes are refused."
)
WHERE_HELP = "Choose the ward, or tick borough-wide below."


class OrganisationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class _ForOrganisation(CleanTextFormMixin, forms.Form):
    """A form sent for one of the member's own organisations on the series: fixed when there is one."""

    organisation = OrganisationChoice(queryset=None, empty_label=None, label="For")

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = type(organisations[0]).objects.filter(pk__in=[o.pk for o in organisations]).order_by("name")
        if len(organisations) == 1:
            field.initial = organisations[0].pk
            field.widget = forms.HiddenInput()
        self.organisations = organisations


class ConcernForm(_ForOrganisation):
    theme = forms.ModelChoiceField(queryset=ConcernTheme.objects.all(), empty_label="Choose the theme")
    ward = forms.ModelChoiceField(
        queryset=Ward.objects.order_by("name"), required=False, empty_label="Choose the ward", help_text=WHERE_HELP
    )
    borough_wide = forms.BooleanField(label="Borough-wide (not one ward)", required=False)
    level = forms.ChoiceField(choices=ConcernLevel.choices, initial=ConcernLevel.MEDIUM, widget=forms.RadioSelect)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=5000, help_text=NEVER_A_PERSON)

    field_order = ["organisation", "theme", "ward", "borough_wide", "level", "description"]


class AgendaItemForm(_ForOrganisation):
    title = forms.CharField(max_length=255)
    description = forms.CharField(
        label="What the group should discuss (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="Themes and places, never a named person.",
    )
