"""Forms about forum events: a member's reply, and the team's form that schedules an event and its session."""

from __future__ import annotations

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateTimeInput

from events.models import CoursePage, ReportingCategory, SessionStatus, TrainingSession
from events.selectors import trainer_choices

from .models import ForumEvent, RSVPAnswer
from .services import MAX_GUESTS

GUESTS_HELP = (
    "Up to 10 people coming with you, so the hosts can plan food and seats. Guests are a count for "
    "catering, not booked places: they never take a place, even when places are limited."
)


class RSVPForm(forms.Form):
    answer = forms.ChoiceField(label="Will you come?", choices=RSVPAnswer.choices, widget=forms.RadioSelect)
    guests = forms.IntegerField(
        label="Guests coming with you", min_value=0, max_value=MAX_GUESTS, initial=0, help_text=GUESTS_HELP
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("answer") == RSVPAnswer.NOT_GOING and cleaned.get("guests"):
            self.add_error(
                "guests", "Guests come with someone who is going: set guests to 0, or answer going or maybe."
            )
        return cleaned


class ForumEventAdminForm(WagtailAdminModelForm):
    """A forum event and its session on one form: saved together by ``forum_event_create`` / ``forum_event_update``."""

    SESSION_FIELDS = (
        "course",
        "starts_at",
        "ends_at",
        "venue",
        "address",
        "online_url",
        "places_limited",
        "capacity",
        "status",
    )

    course = forms.ModelChoiceField(
        queryset=CoursePage.objects.filter(reporting_category=ReportingCategory.FORUM).order_by("title"),
        help_text="A Faith Forum course (reporting category Faith Forum event): its page says who may book.",
    )
    starts_at = forms.DateTimeField(label="Starts", widget=AdminDateTimeInput)
    ends_at = forms.DateTimeField(label="Ends", widget=AdminDateTimeInput)
    venue = forms.CharField(max_length=200, required=False, help_text="e.g. Central Gurdwara, Sterndale Road")
    address = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    online_url = forms.URLField(label="Online link", required=False, assume_scheme="https")
    places_limited = forms.BooleanField(
        label="Limit places to the capacity",
        required=False,
        help_text="Untick for a meeting anyone invited may come to: replying going is then never refused and "
        "there is no waiting list. Ticked, the capacity applies and a waiting list fills once it is reached.",
    )
    capacity = forms.IntegerField(
        min_value=1,
        initial=40,
        required=False,
        help_text="The number of places, when they are limited. Leave it as it is (or empty) when they are not.",
    )
    trainers = forms.ModelMultipleChoiceField(
        label="Who runs the door",
        queryset=trainer_choices(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="People with the Trainer role: they run the check-in desk and the register for this event.",
    )
    status = forms.ChoiceField(
        choices=SessionStatus.choices,
        initial=SessionStatus.SCHEDULED,
        help_text="Cancelling tells everyone going and takes the event out of their calendars.",
    )

    class Meta:
        model = ForumEvent
        fields = ["title", "kind", "audience", "description", "accessibility_notes", "dietary_notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        session = self.instance.session if self.instance.pk else None
        if session is not None:
            for name in self.SESSION_FIELDS:
                value = getattr(session, name)
                self.initial[name] = value.specific if name == "course" else value
            self.initial["trainers"] = list(session.trainers.all())
        else:
            self.fields["status"].choices = [(SessionStatus.SCHEDULED, SessionStatus.SCHEDULED.label)]

    def session_instance(self) -> TrainingSession:
        """The session as the form leaves it: the event's own (changed), or a new one."""
        session = self.instance.session if self.instance.pk else TrainingSession()
        for name in self.SESSION_FIELDS:
            setattr(session, name, self.cleaned_data[name])
        return session

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The event must end after it starts.")
        if cleaned.get("capacity") is None and "capacity" not in self.errors:
            if cleaned.get("places_limited"):
                self.add_error("capacity", "Give the number of places, or untick Limit places to the capacity.")
            else:
                # Not used while places are not limited; the session keeps a number for when they are.
                session = self.instance.session if self.instance.pk else None
                cleaned["capacity"] = session.capacity if session else self.fields["capacity"].initial
        if not cleaned.get("venue") and not cleaned.get("online_url"):
            self.add_error("venue", "Give a venue, an online link, or both.")
        return cleaned


class ForumPreferencesForm(forms.Form):
    announcements = forms.BooleanField(label="Email me when a new forum event is published", required=False)
