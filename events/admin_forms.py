"""Forms for the team's admin screens."""

import datetime as dt

from django import forms
from django.utils.html import format_html
from wagtail.admin.forms import WagtailAdminModelForm

from .models import Booking, BookingStatus, CoursePage, ExternalCertificate
from .selectors import trainer_choices


class BookingCreateForm(WagtailAdminModelForm):
    join_waiting_list = forms.BooleanField(required=False, label="Put them on the waiting list if the session is full")

    class Meta:
        model = Booking
        fields = ["session", "user"]
        help_texts = {"user": "The person to book. They get the confirmation email and calendar invitation."}


class BookingEditForm(WagtailAdminModelForm):
    """The team changes a booking only by cancelling it (which frees the place for the waiting list)."""

    class Meta:
        model = Booking
        fields = ["status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.status
        self.fields["status"].choices = [
            (value, label) for value, label in BookingStatus.choices if value in (current, BookingStatus.CANCELLED)
        ]
        self.fields["status"].help_text = "Choose Cancelled to cancel this booking; the person is emailed."


REPEAT_CHOICES = [
    ("monthly_nth", "Monthly, on the same weekday (e.g. the first Tuesday of each month)"),
    ("weekly", "Weekly"),
    ("fortnightly", "Fortnightly"),
]


class SessionRunForm(forms.Form):
    """Schedule several sessions of a course in one go."""

    course = forms.ModelChoiceField(queryset=CoursePage.objects.all().order_by("title"))
    first_date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The first session. For monthly runs, its weekday and week of the month set the pattern.",
    )
    repeat = forms.ChoiceField(choices=REPEAT_CHOICES)
    count = forms.IntegerField(min_value=1, max_value=52, initial=6, label="How many sessions")
    start_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), initial=dt.time(10, 0))
    end_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), initial=dt.time(12, 0))
    venue = forms.CharField(max_length=200, required=False)
    address = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    online_url = forms.URLField(required=False, label="Online link", assume_scheme="https")
    capacity = forms.IntegerField(min_value=1, initial=25)
    trainers = forms.ModelMultipleChoiceField(
        queryset=trainer_choices(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They run every session's check-in desk and register, and see the sessions in Sessions I run.",
    )
    deadline_days_before = forms.IntegerField(
        min_value=0,
        initial=1,
        label="Close bookings this many days before",
        help_text="0 takes bookings until the start.",
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "The end time must be after the start time.")
        if not cleaned.get("venue") and not cleaned.get("online_url"):
            self.add_error("venue", "Give a venue, an online link, or both.")
        first = cleaned.get("first_date")
        if first and first < dt.date.today():
            self.add_error("first_date", "The first session cannot be in the past.")
        return cleaned


class CertificateReviewForm(WagtailAdminModelForm):
    """The team's decision on a certificate someone sent in."""

    decision = forms.ChoiceField(
        choices=[
            ("approved", "Approve: it counts from the date on the certificate"),
            ("rejected", "Refuse: say why below; the person is emailed"),
        ],
        widget=forms.RadioSelect,
    )

    class Meta:
        model = ExternalCertificate
        fields = ["review_note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.status in ("approved", "rejected"):
            self.fields["decision"].initial = self.instance.status
        if self.instance.pk:
            self.fields["decision"].help_text = format_html(
                "{} sent in “{}”, dated {}. {}",
                self.instance.user,
                self.instance.title,
                f"{self.instance.completed_on:%-d %B %Y}",
                self.instance.file_link(),
            )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "rejected" and not (data.get("review_note") or "").strip():
            self.add_error("review_note", "Say why the certificate was not accepted: the person will see it.")
        return data
