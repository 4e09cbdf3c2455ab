"""The *Log a visit* form: one form for the page, the phone's sync (JSON) and the officer's corrections."""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.utils import timezone

from crm.models import Organisation, Ward
from crm.text import CleanTextFormMixin, refuse_personal_data

from .models import PEOPLE_ENGAGED_MAX, ContactType, OutreachActivity, OutreachTag, OutreachVisit

NO_NAMES = "Do not write names, email addresses, phone numbers or postcodes: outreach is logged as counts and places."
ORGANISATION_NOT_FOUND = (
    "“{value}” is not in the register of organisations. Choose one from the list, or leave this empty "
    "and write the place under Venue."
)
WARD_REQUIRED = "Choose the ward the visit was in."


def organisation_label(organisation: Organisation, duplicated: set[str]) -> str:
    """How an organisation is written in the search list: its name, with its postcode if another has that name."""
    if organisation.name.lower() in duplicated and organisation.postcode:
        return f"{organisation.name} ({organisation.postcode})"
    return organisation.name


def organisation_choices() -> dict[str, Organisation]:
    """Every active organisation by the label the form lists it under."""
    organisations = list(Organisation.objects.filter(is_active=True).only("name", "postcode"))
    seen, duplicated = set(), set()
    for organisation in organisations:
        key = organisation.name.lower()
        (duplicated if key in seen else seen).add(key)
    return {organisation_label(o, duplicated): o for o in organisations}


def organisation_find(value: str, choices: dict[str, Organisation]) -> Organisation | None:
    """The organisation ``value`` names: its label in the list, or a name only one organisation has (any case)."""
    value = value.strip().lower()
    for label, organisation in choices.items():
        if label.lower() == value:
            return organisation
    named = [organisation for organisation in choices.values() if organisation.name.lower() == value]
    return named[0] if len(named) == 1 else None


class OutreachVisitForm(CleanTextFormMixin, forms.Form):
    uuid = forms.UUIDField(widget=forms.HiddenInput)
    visited_on = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), input_formats=["%Y-%m-%d"]
    )
    visited_time = forms.TimeField(
        label="Time",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        input_formats=["%H:%M", "%H:%M:%S"],
    )
    ward = forms.ModelChoiceField(
        queryset=Ward.objects.all(),
        required=False,
        empty_label="Choose the ward",
        help_text="Left empty, the organisation's ward is used.",
    )
    organisation = forms.CharField(
        label="Organisation (optional)",
        required=False,
        max_length=220,
        help_text="Start typing: schools, faith groups, community organisations in the register.",
        widget=forms.TextInput(attrs={"list": "organisation-list", "autocomplete": "off"}),
    )
    venue = forms.CharField(
        label="Venue, if not in the register (optional)",
        required=False,
        max_length=200,
        help_text="For example: North End Road market, Shepherd's Bush Green.",
    )
    contact_type = forms.ChoiceField(label="Type", choices=ContactType.choices, widget=forms.RadioSelect)
    activity = forms.ChoiceField(choices=[("", "Choose the activity"), *OutreachActivity.choices])
    tags = forms.ModelMultipleChoiceField(
        label="Topics (optional)",
        queryset=OutreachTag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    people_engaged = forms.IntegerField(
        label="People engaged",
        min_value=0,
        max_value=PEOPLE_ENGAGED_MAX,
        initial=0,
        help_text="A count. No names.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    partner_agencies = forms.CharField(
        label="Partner agencies present (optional)",
        required=False,
        max_length=500,
        help_text="Agencies, not people: for example Police, Youth service.",
    )
    outcome = forms.CharField(label="Outcome (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    follow_up_on = forms.DateField(
        label="Follow up on (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )
    notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=NO_NAMES, max_length=5000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = organisation_choices()

    def clean_organisation(self) -> Organisation | None:
        value = self.cleaned_data["organisation"].strip()
        if not value:
            return None
        organisation = organisation_find(value, self.organisations)
        if organisation is None:
            raise forms.ValidationError(ORGANISATION_NOT_FOUND.format(value=value), code="unknown_organisation")
        return organisation

    def clean_venue(self):
        return refuse_personal_data(self.cleaned_data["venue"])

    def clean_partner_agencies(self):
        return refuse_personal_data(self.cleaned_data["partner_agencies"])

    def clean_outcome(self):
        return refuse_personal_data(self.cleaned_data["outcome"])

    def clean_notes(self):
        return refuse_personal_data(self.cleaned_data["notes"])

    def clean(self):
        data = super().clean()
        if not data.get("ward") and "organisation" in data:
            organisation = data.get("organisation")
            if organisation is not None and organisation.ward_id:
                data["ward"] = organisation.ward
            else:
                self.add_error("ward", WARD_REQUIRED)
        if data.get("visited_on") and data.get("visited_time"):
            data["visited_at"] = timezone.make_aware(dt.datetime.combine(data["visited_on"], data["visited_time"]))
        return data

    def visit_values(self) -> dict:
        """The cleaned values as ``crm.outreach.services`` takes them."""
        data = self.cleaned_data
        return {
            "visited_at": data["visited_at"],
            "ward": data["ward"],
            "organisation": data["organisation"],
            "venue": data["venue"],
            "contact_type": data["contact_type"],
            "activity": data["activity"],
            "people_engaged": data["people_engaged"],
            "partner_agencies": data["partner_agencies"],
            "outcome": data["outcome"],
            "follow_up_on": data["follow_up_on"],
            "notes": data["notes"],
            "tags": data["tags"],
        }

    def organisation_labels(self) -> list[str]:
        return sorted(self.organisations, key=str.lower)


def initial_for_new(*, like: OutreachVisit | None) -> dict:
    """A new visit's starting values: now, a fresh reference, and the last visit's place and kind if asked."""
    now = timezone.localtime()
    initial = {
        "uuid": uuid.uuid4(),
        "visited_on": now.date(),
        "visited_time": now.time().replace(second=0, microsecond=0),
        "people_engaged": 0,
    }
    if like is not None:
        initial |= initial_from_visit(like, fields=("ward", "organisation", "venue", "contact_type", "activity"))
        initial |= {"tags": list(like.tags.all()), "partner_agencies": like.partner_agencies}
    return initial


def initial_from_visit(visit: OutreachVisit, fields=None) -> dict:
    values = {
        "uuid": visit.uuid,
        "visited_on": timezone.localtime(visit.visited_at).date(),
        "visited_time": timezone.localtime(visit.visited_at).time().replace(second=0, microsecond=0),
        "ward": visit.ward_id,
        "organisation": visit.organisation.name if visit.organisation_id else "",
        "venue": visit.venue,
        "contact_type": visit.contact_type,
        "activity": visit.activity,
        "people_engaged": visit.people_engaged,
        "partner_agencies": visit.partner_agencies,
        "outcome": visit.outcome,
        "follow_up_on": visit.follow_up_on,
        "notes": visit.notes,
        "tags": list(visit.tags.all()),
    }
    return {name: values[name] for name in fields} if fields else values
