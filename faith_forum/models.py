"""The Faith Forum: membership by organisation, applications, forum events and replies.

- **Membership belongs to an organisation** (``ForumMembership``, one per CRM organisation), with
  its representatives (``ForumRepresentative``: the accounts that hold the *Faith Forum member*
  role because of it). Active, lapsed (no attendance for 12 months: flagged to the team) or left
  (its representatives lose forum access).
- **Applications** (``ForumApplication``) come from the public forum page: an organisation from
  the CRM's faith organisations, or a new one typed for the team to check; the applicant's name,
  role and work email; what the organisation agrees to share in the member directory. The team
  approves or declines with a reason.
- **Forum events** are sessions of the events app (``ForumEvent`` adds what a forum event needs
  beside the session: its own title, public or members-only, accessibility and dietary notes).
  Attendance is the events app's own (session QR, desk, register): there is no second attendance.
- **Replies** (``ForumRSVP``): going, maybe or not going, with a guest count. *Going* is a booking
  of the session (``events.services.booking_create``), so the ticket, the .ics, the desk and the
  two-day reminder are the events app's; a session with ``places_limited`` off has no limit.

Nothing here records anything about individuals' beliefs: the faith is the organisation's.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from crm.blocks import ContentBlock
from events.models import new_token


class Faith(models.TextChoices):
    """The organisation's tradition, as the forum lists it. About a place of worship, never a person."""

    BUDDHIST = "buddhist", "Buddhist"
    CHRISTIAN = "christian", "Christian"
    HINDU = "hindu", "Hindu"
    JAIN = "jain", "Jain"
    JEWISH = "jewish", "Jewish"
    MUSLIM = "muslim", "Muslim"
    SIKH = "sikh", "Sikh"
    INTERFAITH = "interfaith", "Interfaith"
    OTHER = "other", "Other"


class DirectoryConsents(models.Model):
    """What an organisation agrees to show other forum members in the member directory.

    Its name and faith are listed once it is in the directory at all; each of the rest only when ticked.
    """

    in_directory = models.BooleanField("list us in the member directory", default=True)
    share_address = models.BooleanField("show our address", default=False)
    share_phone = models.BooleanField("show our phone number", default=False)
    share_email = models.BooleanField("show our general email address", default=False)
    share_website = models.BooleanField("show our website", default=False)
    share_representatives = models.BooleanField(
        "show our representatives' names and roles", default=False, help_text="Never their email addresses."
    )

    CONSENT_FIELDS = (
        "in_directory",
        "share_address",
        "share_phone",
        "share_email",
        "share_website",
        "share_representatives",
    )

    class Meta:
        abstract = True


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    LAPSED = "lapsed", "Lapsed: no attendance for 12 months"
    LEFT = "left", "Left"


class ForumMembership(DirectoryConsents):
    """An organisation's membership of the Faith Forum."""

    organisation = models.OneToOneField("crm.Organisation", on_delete=models.PROTECT, related_name="forum_membership")
    faith = models.CharField(max_length=20, choices=Faith.choices)
    status = models.CharField(max_length=20, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE)
    joined_on = models.DateField(default=timezone.localdate)
    lapsed_on = models.DateField("flagged as lapsed on", null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    notes = models.TextField(
        blank=True, help_text="For the team only. Never anything about an individual's beliefs or circumstances."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("organisation"),
        FieldRowPanel([FieldPanel("faith"), FieldPanel("status")]),
        FieldRowPanel([FieldPanel("joined_on"), FieldPanel("lapsed_on"), FieldPanel("left_on")]),
        MultiFieldPanel([FieldPanel(name) for name in DirectoryConsents.CONSENT_FIELDS], heading="Member directory"),
        FieldPanel("notes"),
    ]

    class Meta:
        ordering = ["organisation__name"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.organisation.name} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE


class ForumRepresentative(models.Model):
    """A person who represents a member organisation: their account holds the *Faith Forum member* role."""

    membership = models.ForeignKey(ForumMembership, on_delete=models.CASCADE, related_name="representatives")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_representations")
    role = models.CharField("role at the organisation", max_length=200, blank=True, help_text="e.g. Trustee, Imam")
    added_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["membership", "added_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "user"], name="one_representation_per_person_per_member")
        ]

    def __str__(self):
        return f"{self.user} for {self.membership.organisation.name}"


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the team"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class ForumApplication(DirectoryConsents):
    """Someone applied, from the public forum page, for their organisation to join (or to represent a member)."""

    organisation = models.ForeignKey(
        "crm.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forum_applications",
        help_text="Chosen from the CRM's faith organisations; blank when the applicant typed a new one.",
    )
    new_organisation_name = models.CharField(
        "organisation not in the list", max_length=200, blank=True, help_text="For the team to check and add."
    )
    new_organisation_address = models.TextField("its address", blank=True)
    new_organisation_postcode = models.CharField("its postcode", max_length=10, blank=True)
    faith = models.CharField(max_length=20, choices=Faith.choices)
    full_name = models.CharField("your name", max_length=200)
    job_role = models.CharField("your role at the organisation", max_length=200)
    email = models.EmailField("your work email")
    status = models.CharField(max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forum_applications",
        help_text="The account that applied while signed in, or the account approval made or found.",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(
        blank=True, help_text="Why it was approved or declined: emailed to the applicant with the decision."
    )
    membership = models.ForeignKey(
        ForumMembership, on_delete=models.SET_NULL, null=True, blank=True, related_name="applications"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open application per email: a second one says the first is still with the team.
            models.UniqueConstraint(
                fields=["email"], condition=Q(status="pending"), name="one_pending_forum_application_per_email"
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(new_organisation_name=""),
                name="forum_application_names_an_organisation",
                violation_error_message="Choose your organisation, or give its name if it is not in the list.",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.full_name} for {self.organisation_name} ({self.get_status_display()})"

    @property
    def organisation_name(self) -> str:
        return self.organisation.name if self.organisation_id else self.new_organisation_name

    @property
    def is_pending(self) -> bool:
        return self.status == ApplicationStatus.PENDING


class EventKind(models.TextChoices):
    MEETING = "meeting", "Forum meeting"
    SITE_VISIT = "site_visit", "Site visit"
    INTERFAITH = "interfaith", "Interfaith event"
    OTHER = "other", "Other event"


class EventAudience(models.TextChoices):
    PUBLIC = "public", "Public: anyone may see it"
    MEMBERS = "members", "Members only"


class ForumEvent(index.Indexed, models.Model):
    """What a forum event adds to its session: title, kind, who may see it, and notes for those coming."""

    session = models.OneToOneField("events.TrainingSession", on_delete=models.CASCADE, related_name="forum_event")
    title = models.CharField(max_length=200, help_text="e.g. Visit to the Central Gurdwara")
    kind = models.CharField(max_length=20, choices=EventKind.choices, default=EventKind.MEETING)
    audience = models.CharField(max_length=20, choices=EventAudience.choices, default=EventAudience.MEMBERS)
    description = models.TextField(blank=True)
    accessibility_notes = models.TextField(
        blank=True, help_text="Step-free access, hearing loop, parking, what to expect on arrival."
    )
    dietary_notes = models.TextField(
        blank=True, help_text="Food served and what it is; e.g. a langar meal, vegetarian; shoes off, heads covered."
    )
    is_published = models.BooleanField(
        "published", default=False, help_text="Listed on the forum's pages; members are emailed the first time."
    )
    announced_at = models.DateTimeField("members emailed at", null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("session"),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("audience")]),
        FieldPanel("description"),
        FieldPanel("accessibility_notes"),
        FieldPanel("dietary_notes"),
        FieldPanel("is_published"),
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["session__starts_at"]

    def __str__(self):
        local = timezone.localtime(self.session.starts_at)
        return f"{self.title}, {local:%a %-d %b %Y %H:%M}"

    def save(self, *args, **kwargs):
        """The session is called by the event's title (``TrainingSession.title``): in the events app's emails,
        calendar invitations, tickets and desk a member and the trainer see "Visit to the Central Gurdwara",
        not the course's "Faith Forum site visit"."""
        super().save(*args, **kwargs)
        if self.session_id and self.session.title != self.title:
            type(self.session).objects.filter(pk=self.session_id).update(title=self.title)
            self.session.title = self.title

    @property
    def is_public(self) -> bool:
        return self.audience == EventAudience.PUBLIC


class RSVPAnswer(models.TextChoices):
    GOING = "going", "Going"
    MAYBE = "maybe", "Maybe"
    NOT_GOING = "not_going", "Not going"


class ForumRSVP(models.Model):
    """A member's reply to a forum event. *Going* holds a booking of the session (``booking``)."""

    event = models.ForeignKey(ForumEvent, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_rsvps")
    membership = models.ForeignKey(
        ForumMembership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rsvps",
        help_text="The organisation they replied for.",
    )
    answer = models.CharField(max_length=20, choices=RSVPAnswer.choices)
    guests = models.PositiveSmallIntegerField(
        "guests coming with you", default=0, validators=[MaxValueValidator(10)], help_text="Up to 10."
    )
    booking = models.ForeignKey(
        "events.Booking", on_delete=models.SET_NULL, null=True, blank=True, related_name="forum_rsvps"
    )
    answered_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["answered_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="one_rsvp_per_member_per_event"),
            models.CheckConstraint(condition=Q(guests__lte=10), name="rsvp_guests_at_most_ten"),
        ]

    def __str__(self):
        return f"{self.user}: {self.get_answer_display()} to {self.event.title}"

    def clean(self):
        if self.answer == RSVPAnswer.NOT_GOING and self.guests:
            raise ValidationError({"guests": "Guests come with someone who is going: set guests to 0."})


class ForumPreferences(models.Model):
    """A member's own choices: whether to be emailed about new forum events."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_preferences")
    announcements = models.BooleanField(
        "email me when a new forum event is published",
        default=True,
        help_text="Reminders of events you are going to still come.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Forum preferences of {self.user}"


class ForumCalendarSubscription(models.Model):
    """The secret address of a member's feed of forum events; a new token revokes the old (as My training's)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_calendar_subscription"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Forum calendar feed of {self.user}"


class FaithForumPage(RoutablePageMixin, Page):
    """The forum's public page: what it is, how to join (the application), and its events.

    Members-only events are listed to members and the team only. The members' area is a
    ``ForumMembersPage`` beneath it, restricted to the *Faith Forum member* role.
    """

    introduction = models.TextField(blank=True, help_text="One or two sentences under the heading.")
    body = StreamField(ContentBlock(), blank=True, use_json_field=True)
    joining = models.TextField(
        "how to join",
        blank=True,
        help_text="Shown above the application: who may join and what membership asks of an organisation.",
    )

    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldPanel("body"), FieldPanel("joining")]
    # Where it sits is the home page's choice (portal's HomePage.subpage_types).
    subpage_types = ["faith_forum.ForumMembersPage"]
    max_count = 1
    template = "faith_forum/forum_page.html"

    @path("", name="index")
    def forum_index(self, request):
        from .views import forum_index

        return forum_index(request, page=self)

    @path("apply/", name="apply")
    def apply(self, request):
        from .views import application_form

        return application_form(request, page=self)

    @path("events/<int:event_id>/", name="event")
    def event(self, request, event_id):
        from .views import event_detail

        return event_detail(request, page=self, event_id=event_id)

    # Wagtail serves only addresses that end in a slash, with no dot: hence calendar/, not calendar.ics
    # (as a course's feed, events.CoursePage's calendar/). The files are still named .ics for the download.
    @path("events/<int:event_id>/calendar/", name="event_ics")
    def event_ics(self, request, event_id):
        from .views import event_ics

        return event_ics(request, page=self, event_id=event_id)

    @path("calendar/", name="public_feed")
    def public_feed(self, request):
        from .views import public_feed

        return public_feed(request, page=self)


class ForumMembersPage(RoutablePageMixin, Page):
    """A members-only page (papers, minutes, news). The first beneath the forum page holds the directory.

    Restricted to the *Faith Forum member* role (and the team) by a view restriction made when it is
    created (``faith_forum.services.members_area_restrict``); pages beneath it inherit it.
    """

    introduction = models.TextField(blank=True)
    body = StreamField(ContentBlock(), blank=True, use_json_field=True)

    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldPanel("body")]
    parent_page_types = ["faith_forum.FaithForumPage", "faith_forum.ForumMembersPage"]
    subpage_types = ["faith_forum.ForumMembersPage"]
    template = "faith_forum/members_page.html"

    @path("", name="index")
    def members_index(self, request):
        from .views import members_page

        return members_page(request, page=self)

    @path("directory/", name="directory")
    def directory(self, request):
        from .views import member_directory

        return member_directory(request, page=self)
