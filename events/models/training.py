import datetime as dt
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.search import index

from crm.models import MemberSide, OrganisationType


def new_token() -> str:
    return secrets.token_urlsafe(24)


def new_certificate_code() -> str:
    # Ten characters from an alphabet without look-alikes (no 0/O, 1/I/L).
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class SessionVisibility(models.TextChoices):
    OPEN = "open", "Open: listed on the course page"
    CLOSED = "closed", "Closed: for one organisation, not listed"


class CheckInMode(models.TextChoices):
    POSTER = "poster", "Printed poster: the session's QR code, the same all session"
    SCREEN = "screen", "Room screen: a QR code and typed code that change every 25 seconds"


class TrainingSession(index.Indexed, models.Model):
    """One sitting of a course: when, where, how many places, who trains."""

    course = models.ForeignKey("events.CoursePage", on_delete=models.PROTECT, related_name="sessions")
    title = models.CharField(
        "name of this session",
        max_length=200,
        blank=True,
        help_text="Leave blank to use the course's title. An event with a name of its own (a Faith Forum site "
        "visit) is called by it in emails, calendars, tickets and the desk.",
    )
    starts_at = models.DateTimeField("starts")
    ends_at = models.DateTimeField("ends")
    venue = models.CharField(max_length=200, blank=True, help_text="e.g. Hammersmith Town Hall, Committee Room 1")
    address = models.TextField(blank=True)
    online_url = models.URLField("online link", blank=True, help_text="For sessions held online.")
    capacity = models.PositiveIntegerField(default=25)
    places_limited = models.BooleanField(
        "limit places to the capacity",
        default=True,
        help_text="Untick for an event anyone invited may come to, such as a Faith Forum meeting: a booking is "
        "then a reply saying they are coming, with no limit and no waiting list.",
    )
    places_taken = models.PositiveIntegerField(default=0, editable=False)
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="sessions_training",
        limit_choices_to=Q(groups__name__in=["Trainer", "Prevent team admin"]),
        help_text="People with the Trainer role who run this session's check-in desk and register.",
    )
    booking_deadline = models.DateTimeField(
        null=True, blank=True, help_text="Leave blank to take bookings until the session starts."
    )
    audience_note = models.CharField(max_length=255, blank=True, help_text="e.g. For staff new to the council.")
    status = models.CharField(max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED)
    visibility = models.CharField(max_length=20, choices=SessionVisibility.choices, default=SessionVisibility.OPEN)
    organisation = models.ForeignKey(
        "crm.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="closed_sessions",
        help_text="Closed sessions: the school or team the session is for.",
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    # Attendance at the door: the session QR poster carries this token; the trainer can replace it if it leaks.
    checkin_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    checkin_opens_minutes = models.PositiveSmallIntegerField(
        "check-in opens (minutes before the start)",
        default=30,
        help_text="Scanning tickets or the session QR code works from this long before the start.",
    )
    checkin_closes_minutes = models.PositiveSmallIntegerField(
        "check-in closes (minutes after the end)",
        default=30,
        help_text="...until this long after the end. The register can still be corrected afterwards.",
    )
    allow_walk_ins = models.BooleanField(
        "allow walk-ins",
        default=True,
        help_text="People without a booking can record their attendance by scanning the session QR code.",
    )
    # A photo of a poster works anywhere; a code that changes on the room's screen shows the person is there.
    checkin_mode = models.CharField(
        "self check-in uses",
        max_length=20,
        choices=CheckInMode.choices,
        default=CheckInMode.POSTER,
        help_text="With the room screen, the trainer shows the check-in screen on the projector: the poster's "
        "link alone then checks nobody in. Keep the poster for rooms without a screen.",
    )
    register_closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("course"),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        MultiFieldPanel([FieldPanel("venue"), FieldPanel("address"), FieldPanel("online_url")], heading="Where"),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("places_limited"), FieldPanel("booking_deadline")]),
        FieldPanel("trainers"),
        FieldPanel("audience_note"),
        FieldRowPanel([FieldPanel("visibility"), FieldPanel("organisation")]),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("checkin_opens_minutes"), FieldPanel("checkin_closes_minutes")]),
                FieldPanel("allow_walk_ins"),
                FieldPanel("checkin_mode"),
            ],
            heading="Check-in at the door",
        ),
        FieldPanel("status"),
    ]
    search_fields = [
        index.SearchField("venue"),
        index.AutocompleteField("venue"),
        index.RelatedFields("course", [index.SearchField("title")]),
    ]

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["starts_at"], name="session_starts")]  # a period's sessions; the next ones
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="session_ends_after_it_starts",
                violation_error_message="The session must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="session_has_a_place",
                violation_error_message="Capacity must be at least 1.",
            ),
            # The backstop for the row lock in booking_create: never more confirmed places than capacity.
            models.CheckConstraint(
                condition=Q(places_limited=False) | Q(places_taken__lte=F("capacity")),
                name="session_never_overbooked",
                violation_error_message="More places are booked than this capacity allows.",
            ),
            models.CheckConstraint(
                condition=Q(visibility="open") | Q(organisation__isnull=False),
                name="closed_session_names_its_organisation",
                violation_error_message="Choose the school or team this closed session is for.",
            ),
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{self.name}, {local:%a %-d %b %Y %H:%M}"

    @property
    def name(self) -> str:
        """What the session is called: its own name when it has one, else its course's title."""
        return self.title or self.course.title

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The session must end after it starts."
        if self.booking_deadline and self.starts_at and self.booking_deadline > self.starts_at:
            errors["booking_deadline"] = "The booking deadline must be on or before the start."
        if self.visibility == SessionVisibility.CLOSED and not self.organisation_id:
            errors["organisation"] = "Choose the school or team this closed session is for."
        if not self.venue and not self.online_url:
            errors["venue"] = "Give a venue, an online link, or both."
        if self.places_limited and self.capacity is not None and self.pk and self.capacity < self.places_taken:
            errors["capacity"] = f"{self.places_taken} places are already booked: capacity cannot go below that."
        if errors:
            raise ValidationError(errors)

    @property
    def effective_deadline(self):
        return self.booking_deadline or self.starts_at

    @property
    def places_left(self) -> int:
        """Places still free; with no limit on places, always at least one (the next person gets in)."""
        if not self.places_limited:
            return max(self.capacity - self.places_taken, 1)
        return max(self.capacity - self.places_taken, 0)

    @property
    def has_room(self) -> bool:
        """Whether one more person can have a confirmed place: always, when places are not limited."""
        return not self.places_limited or self.places_taken < self.capacity

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def is_open_for_booking(self) -> bool:
        return not self.is_cancelled and timezone.now() < self.effective_deadline

    @property
    def where(self) -> str:
        return self.venue or "Online"

    @property
    def organisation_note(self) -> str:
        """Who a closed session is for, to show beside ``where``; empty when the venue already names them.

        A whole-school briefing held at the school is "Fulham Cross Academy", not
        "Fulham Cross Academy (Fulham Cross Academy)".
        """
        if self.organisation_id is None:
            return ""
        name = self.organisation.name
        return "" if name.strip().casefold() in self.where.casefold() else name

    @property
    def checkin_opens_at(self):
        return self.starts_at - dt.timedelta(minutes=self.checkin_opens_minutes)

    @property
    def checkin_closes_at(self):
        return self.ends_at + dt.timedelta(minutes=self.checkin_closes_minutes)


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    WAITING = "waiting", "On the waiting list"
    CANCELLED = "cancelled", "Cancelled"


class Booking(models.Model):
    """A person's place (or place in the queue) on a session."""

    # A person's row points at nothing Wagtail's "usage" views report (pages, images, documents), and the
    # reference index's rewrite on every save cost a booking or a scan several queries (issue 15).
    wagtail_reference_index_ignore = True

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="bookings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookings")
    status = models.CharField(max_length=20, choices=BookingStatus.choices)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # Set when the register is closed after the session: booked, confirmed, and not there.
    no_show = models.BooleanField(default=False)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ticket_token = models.CharField(max_length=64, default=new_token, unique=True, editable=False)
    # The emailed cancel link's own token: never the id, and not the ticket's (which checks people in).
    cancel_token = models.CharField(max_length=64, default=new_token, unique=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # One live booking per person per session; cancelled ones stay as history.
            models.UniqueConstraint(
                fields=["session", "user"], condition=~Q(status="cancelled"), name="one_live_booking_per_person"
            ),
        ]
        indexes = [models.Index(fields=["session", "status", "created_at"])]

    def __str__(self):
        return f"{self.user} - {self.session} ({self.get_status_display()})"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for their answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"


class ColleagueInvitation(models.Model):
    """A lead asked a colleague, by work email, to take a place on a session: a hold, not a booking.

    While pending it may hold one of the session's places (``holds_place``: counted in
    ``places_taken``); the colleague accepts from the emailed link, signed in as that address,
    and only then has a booking. Declined, withdrawn and expired invitations give the place
    back. Nothing here is an account: the invitation knows an email address, not a person.
    """

    # A person's row points at nothing Wagtail's "usage" views report (pages, images, documents), and the
    # reference index's rewrite on every save cost a booking or a scan several queries (issue 15).
    wagtail_reference_index_ignore = True

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations_sent")
    email = models.EmailField("colleague's work email")
    status = models.CharField(max_length=20, choices=InvitationStatus.choices, default=InvitationStatus.PENDING)
    holds_place = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    booking = models.ForeignKey(Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "email"], condition=Q(status="pending"), name="one_pending_invitation_per_email"
            ),
        ]
        indexes = [models.Index(fields=["invited_by", "created_at"]), models.Index(fields=["status", "expires_at"])]

    def __str__(self):
        return f"Invitation to {self.email} for {self.session} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == InvitationStatus.PENDING and timezone.now() < self.expires_at


class AttendanceMethod(models.TextChoices):
    REGISTER = "register", "Marked on the register"
    TICKET = "ticket", "Ticket scanned"
    SELF = "self", "Self check-in"
    WALK_IN = "walk_in", "Walk-in"
    UPLOAD = "upload", "Paper register upload"


class StandingAttendanceManager(models.Manager):
    """Marks that stand. A mark taken back (``undone_at``) stays as history but counts nowhere."""

    def get_queryset(self):
        return super().get_queryset().filter(undone_at__isnull=True)


class AllAttendanceManager(models.Manager):
    """Every mark, those taken back included: for history and for erasing a person's data."""


class Attendance(models.Model):
    """Someone was present at a session. Only these count as trained.

    A mark taken back on the desk is kept (``undone_at``, ``undone_by``) with its certificate code,
    so the code is never given again; ``objects`` leaves such marks out, ``history`` has them all.
    """

    # A person's row points at nothing Wagtail's "usage" views report (pages, images, documents), and the
    # reference index's rewrite on every save cost a booking or a scan several queries (issue 15).
    wagtail_reference_index_ignore = True

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendances")
    booking = models.OneToOneField(Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="attendances"
    )
    # Who they were on the day: a snapshot that stays when someone changes jobs later. Walk-ins
    # without an account are recorded by what they tell us.
    full_name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    organisation_name = models.CharField("organisation", max_length=200, blank=True)
    organisation_type = models.CharField(max_length=20, choices=OrganisationType.choices, blank=True)
    # An elected Member's side and Cabinet seat on the day: the Member report counts these, so a Member
    # who later crosses the floor or leaves the Cabinet does not change an old year's figures.
    member_side = models.CharField(
        "Administration or Opposition on the day", max_length=20, choices=MemberSide.choices, blank=True
    )
    is_cabinet_member = models.BooleanField("Cabinet Member on the day", default=False)
    organisation = models.ForeignKey(
        "crm.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name="organisation in the register",
    )
    job_role = models.CharField(max_length=200, blank=True)
    method = models.CharField(max_length=20, choices=AttendanceMethod.choices, default=AttendanceMethod.REGISTER)
    checked_in_at = models.DateTimeField(default=timezone.now)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    certificate_code = models.CharField(max_length=12, unique=True, default=new_certificate_code, editable=False)
    undone_at = models.DateTimeField("taken back", null=True, blank=True, editable=False)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    # Someone not signed in typed their own details at the door: nobody has vouched for them yet. Such a mark
    # never joins a booking by its email, and counts for no certificate or mandatory training until a trainer
    # confirms it (or marks the person themselves).
    self_declared = models.BooleanField(
        default=False, help_text="Typed in at the door by someone not signed in; not yet confirmed by a trainer."
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = StandingAttendanceManager()
    history = AllAttendanceManager()

    class Meta:
        ordering = ["checked_in_at"]
        base_manager_name = "history"
        indexes = [
            # The marks the figures count (feedback.selectors.counted_marks_by_session), by session: PostgreSQL counts
            # each session's from the index alone, never reading the table (issue 15: national scale).
            models.Index(
                fields=["session"], condition=Q(undone_at__isnull=True, self_declared=False), name="attendance_counted"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=Q(user__isnull=False, undone_at__isnull=True),
                name="one_attendance_per_person",
            ),
            # A stranger typing someone's email makes a self-declared mark; it must not stop that person's own.
            models.UniqueConstraint(
                fields=["session", "email"],
                condition=~Q(email="") & Q(self_declared=False, undone_at__isnull=True),
                name="one_attendance_per_email",
            ),
            models.UniqueConstraint(
                fields=["session", "email"],
                condition=~Q(email="") & Q(self_declared=True, undone_at__isnull=True),
                name="one_self_declared_attendance_per_email",
            ),
        ]

    def __str__(self):
        return f"{self.display_name} at {self.session}"

    @property
    def display_name(self) -> str:
        if self.user_id:
            return self.user.get_full_name() or self.user.email
        return self.full_name or self.email


class CalendarSubscription(models.Model):
    """The secret address of a person's own calendar feed; a new token revokes the old."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_subscription"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Calendar feed of {self.user}"
