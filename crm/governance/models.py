"""Governance: the groups the team answers to, their meetings, community concerns and actions.

One model for every group (``MeetingSeries``): the Prevent Advisory Group (PAG), the Prevent
Steering Group (PSG) and any partnership board the team adds. A series names the role whose
holders may see its approved record on the public site (PAG members for the PAG); a series
without one is the team's alone.

Minutes are a Wagtail draft/revision model: *publishing* is approving. Approved minutes are
what members see; a correction is a new revision, approved in turn, and every earlier version
stays in the revision history.

Concerns are about places and themes, **never about a named person** (the one personal-data
guard, ``crm.text.personal_data_check``, refuses contact details, and the form says why).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import DraftStateMixin, Orderable, RevisionMixin
from wagtail.search import index

from .. import roles


class SeriesKind(models.TextChoices):
    PAG = "pag", "Prevent Advisory Group"
    PSG = "psg", "Prevent Steering Group"
    BOARD = "board", "Partnership board"


class MeetingSeries(ClusterableModel):
    """A group that meets: PAG, PSG, a partnership board. Its members are organisations and their representatives."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=20, choices=SeriesKind.choices, default=SeriesKind.BOARD)
    description = models.TextField(blank=True, help_text="What the group is for, shown to its members.")
    chair = models.CharField(max_length=200, blank=True, help_text="e.g. Head of Community Safety")
    members_role = models.CharField(
        "members who see it on the site",
        max_length=60,
        blank=True,
        choices=[(name, name) for name in (roles.PAG_MEMBER, roles.FAITH_FORUM_MEMBER, roles.ELECTED_MEMBER)],
        help_text="People with this role who represent a member organisation see its meetings, approved "
        "minutes and open actions under /advisory-group/. Leave blank for a group only the team sees.",
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("chair")]),
        FieldPanel("description"),
        FieldPanel("members_role"),
        InlinePanel("members", heading="Member organisations and representatives", label="Member"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "meeting series"

    def __str__(self):
        return self.name


class SeriesMember(Orderable):
    """An organisation on a group, with one representative (a second representative is a second row)."""

    series = ParentalKey(MeetingSeries, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey("crm.Organisation", on_delete=models.PROTECT, related_name="series_memberships")
    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="series_memberships",
        help_text="Their account, so they see the group's pages. Leave blank if they have none.",
    )
    role = models.CharField(max_length=100, blank=True, help_text="e.g. Chair, Vice-chair, Member")

    panels = [FieldRowPanel([FieldPanel("organisation"), FieldPanel("representative"), FieldPanel("role")])]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["series", "organisation", "representative"], name="one_membership_per_representative"
            )
        ]

    def __str__(self):
        return f"{self.organisation} on {self.series}"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(index.Indexed, ClusterableModel):
    """One meeting of a series: when, where, the agenda, who came, the papers."""

    series = models.ForeignKey(MeetingSeries, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField("starts")
    ends_at = models.DateTimeField("ends")
    venue = models.CharField(max_length=200, blank=True)
    online_url = models.URLField("online link", blank=True)
    status = models.CharField(max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # the .ics UID
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("series"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldRowPanel([FieldPanel("venue"), FieldPanel("online_url")]),
        FieldPanel("status"),
        InlinePanel("agenda_items", heading="Agenda", label="Agenda item"),
        InlinePanel("attendance", heading="Attendance", label="Attendee"),
        InlinePanel("papers", heading="Papers", label="Paper"),
    ]
    search_fields = [index.SearchField("venue"), index.RelatedFields("series", [index.SearchField("name")])]

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_it_starts",
                violation_error_message="The meeting must end after it starts.",
            )
        ]

    def __str__(self):
        return f"{self.series.name}, {timezone.localtime(self.starts_at):%d %B %Y}"


class AgendaItemStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed by a member"
    ACCEPTED = "accepted", "On the agenda"
    DECLINED = "declined", "Not taken"


class AgendaItem(Orderable):
    """An item on a meeting's agenda; members may propose one before the meeting."""

    meeting = ParentalKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=AgendaItemStatus.choices, default=AgendaItemStatus.ACCEPTED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    proposed_by_organisation = models.ForeignKey(
        "crm.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    panels = [FieldPanel("title"), FieldPanel("description"), FieldPanel("status")]

    def __str__(self):
        return self.title


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"


class MeetingAttendance(Orderable):
    """An organisation at a meeting: its representative, present or sending apologies."""

    meeting = ParentalKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    organisation = models.ForeignKey("crm.Organisation", on_delete=models.PROTECT, related_name="meeting_attendance")
    representative = models.CharField(max_length=200, blank=True, help_text="Their name, as minuted.")
    status = models.CharField(max_length=20, choices=AttendanceStatus.choices, default=AttendanceStatus.PRESENT)

    panels = [FieldRowPanel([FieldPanel("organisation"), FieldPanel("representative"), FieldPanel("status")])]

    def __str__(self):
        return f"{self.organisation} ({self.get_status_display()})"


class MeetingPaper(Orderable):
    """A paper for a meeting (a Wagtail document, kept in a collection only the team and the members see)."""

    meeting = ParentalKey(Meeting, on_delete=models.CASCADE, related_name="papers")
    document = models.ForeignKey("wagtaildocs.Document", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=255, blank=True, help_text="Leave blank to use the document's title.")

    panels = [FieldRowPanel([FieldPanel("document"), FieldPanel("title")])]

    def __str__(self):
        return self.title or self.document.title


class MeetingMinutes(DraftStateMixin, RevisionMixin, models.Model):
    """A meeting's minutes. Publishing is approving: the approved version is locked and is what members see.

    A correction is made as a new draft and approved again; every approved version stays in the
    revisions (``RevisionMixin``), with who approved it and when.
    """

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    body = RichTextField(features=["h3", "bold", "italic", "ol", "ul", "link"])
    updated_at = models.DateTimeField(auto_now=True)

    panels = [FieldPanel("meeting"), FieldPanel("body")]

    class Meta:
        verbose_name_plural = "meeting minutes"
        # Wagtail makes this for snippets only after crm's roles are granted; declared here, the team gets it.
        permissions = [("publish_meetingminutes", "Can approve (publish) meeting minutes")]

    def __str__(self):
        return f"Minutes of {self.meeting}"


class ConcernTheme(models.Model):
    """A theme community concerns are counted by (online radicalisation, community tensions...); team-edited."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


CONCERN_PERSONAL_DATA = (
    "This looks like {kind} ({found}). Concerns are about places and themes, never about a named "
    "person: take it out, and write no names."
)


CONCERN_OTHER_SERIES = "This meeting is not one of {series}'s: choose one of its meetings, or leave the meeting empty."


class ConcernLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class CommunityConcern(models.Model):
    """A concern a PAG organisation raises about a place or a theme, never about a named person.

    Raised at a meeting, or submitted beforehand by a PAG member through the site (then
    ``submitted_by`` is set and ``meeting`` is the next meeting, or empty until the team sets it).
    Either a ward or borough-wide.
    """

    series = models.ForeignKey(MeetingSeries, on_delete=models.PROTECT, related_name="concerns")
    meeting = models.ForeignKey(Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="concerns")
    raised_on = models.DateField(default=timezone.localdate)
    theme = models.ForeignKey(ConcernTheme, on_delete=models.PROTECT, related_name="concerns")
    ward = models.ForeignKey("crm.Ward", on_delete=models.PROTECT, null=True, blank=True, related_name="concerns")
    borough_wide = models.BooleanField("borough-wide", default=False)
    level = models.CharField(max_length=10, choices=ConcernLevel.choices, default=ConcernLevel.MEDIUM)
    raised_by = models.ForeignKey(
        "crm.Organisation",
        on_delete=models.PROTECT,
        related_name="concerns_raised",
        verbose_name="raised by (organisation)",
    )
    description = models.TextField(help_text="About a place or a theme, never about a named person.")
    response = models.TextField(blank=True, help_text="What the team or partners are doing about it.")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldRowPanel([FieldPanel("series"), FieldPanel("meeting"), FieldPanel("raised_on")]),
        FieldRowPanel([FieldPanel("theme"), FieldPanel("level")]),
        FieldRowPanel([FieldPanel("ward"), FieldPanel("borough_wide")]),
        FieldPanel("raised_by"),
        FieldPanel("description"),
        FieldPanel("response"),
    ]

    class Meta:
        ordering = ["-raised_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ward__isnull=False, borough_wide=False) | Q(ward__isnull=True, borough_wide=True),
                name="concern_has_a_ward_or_is_borough_wide",
                violation_error_message="Choose a ward, or tick borough-wide (not both).",
            )
        ]
        indexes = [models.Index(fields=["raised_on", "ward"])]

    TEXT_FIELDS = ("description", "response")

    def __str__(self):
        where = "borough-wide" if self.borough_wide else str(self.ward)
        return f"{self.theme} ({where}, {self.raised_on:%d %b %Y})"

    def clean(self):
        """The one personal-data guard on what the team types too: a concern never names or reaches a person."""
        super().clean()
        from crm.text import personal_data_check

        errors = {}
        for name in self.TEXT_FIELDS:
            if found := personal_data_check(getattr(self, name), refused=CONCERN_PERSONAL_DATA):
                errors[name] = found
        if self.meeting_id and self.series_id and self.meeting.series_id != self.series_id:
            errors["meeting"] = [CONCERN_OTHER_SERIES.format(series=self.series)]
        if errors:
            raise ValidationError(errors)


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


def action_owner_choices() -> Q:
    """Who may own an action: the staff roles (team, outreach officers, trainers) and groups' representatives.

    Anyone else owns it through their organisation; the list never offers every learner.
    """
    from django.contrib.auth import get_user_model

    people = get_user_model().objects.filter(
        Q(groups__name__in=roles.STAFF_ROLES) | Q(is_superuser=True) | Q(series_memberships__isnull=False)
    )
    return Q(pk__in=people.values("pk"))


class MeetingAction(models.Model):
    """An action agreed at a meeting: what, who (a person or an organisation), by when, and how it stands."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_actions",
        limit_choices_to=action_owner_choices,
        help_text="A person with an account (staff, or a group's representative): they get the weekly email of "
        "their open actions.",
    )
    owner_organisation = models.ForeignKey(
        "crm.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_actions",
        help_text="Or an organisation: its representatives on the group get the weekly email.",
    )
    due_on = models.DateField("due")
    status = models.CharField(max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("meeting"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("owner"), FieldPanel("owner_organisation")]),
        FieldRowPanel([FieldPanel("due_on"), FieldPanel("status")]),
    ]

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=False) | Q(owner_organisation__isnull=False),
                name="action_has_an_owner",
                violation_error_message="Give the action an owner: a person or an organisation.",
            )
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return self.description[:80]

    @property
    def is_overdue(self) -> bool:
        return self.status == ActionStatus.OPEN and self.due_on < timezone.localdate()


class ActionUpdate(models.Model):
    """One entry in an action's update log: a note, and the status it moved to."""

    action = models.ForeignKey(MeetingAction, on_delete=models.CASCADE, related_name="updates")
    note = models.TextField()
    status = models.CharField(max_length=10, choices=ActionStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.action}: {self.get_status_display()} ({self.at:%d %b %Y})"


class ActionDigest(models.Model):
    """The weekly email of open actions went to this person for this week: it is sent once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week_starting = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "week_starting"], name="one_action_digest_a_week")]

    def __str__(self):
        return f"Open actions emailed to {self.user} for the week of {self.week_starting:%d %b %Y}"
