from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.search import index

urn_validator = RegexValidator(r"^\d{6}$", "A school's URN is the 6-digit number from Get Information about Schools.")


class Ward(models.Model):
    """One of the borough's electoral wards; outreach and organisations are counted by ward."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class OrganisationType(models.TextChoices):
    """The one list of kinds of organisation: accounts, walk-ins, registers, closed sessions and reports use it."""

    COUNCIL = "council", "Council"
    SCHOOL = "school", "School or college"
    STATUTORY = "statutory", "Other statutory partner"
    COMMUNITY = "community", "Voluntary or community organisation"
    FAITH = "faith", "Faith organisation"
    ELECTED_MEMBER = "member", "Elected Member"
    OTHER = "other", "Other"


class SchoolPhase(models.TextChoices):
    """A school's phase, as the team counts schools (``crm.imports.gias`` derives it from GIAS)."""

    NURSERY = "nursery", "Nursery"
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"
    ALL_THROUGH = "all_through", "All-through"
    SPECIAL = "special", "Special"
    PRU = "pru", "Pupil referral unit or alternative provision"
    POST_16 = "post_16", "Post-16 or further education"
    INDEPENDENT = "independent", "Independent"


class EstablishmentStatus(models.TextChoices):
    """Whether the organisation still exists: for schools, GIAS's establishment status."""

    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class OrganisationQuerySet(models.QuerySet):
    def schools(self):
        return self.filter(organisation_type=OrganisationType.SCHOOL)

    def open_schools(self):
        """The borough's schools that are open (GIAS's status), whether or not the team hides them in choices."""
        return self.schools().filter(establishment_status=EstablishmentStatus.OPEN)


class Organisation(index.Indexed, models.Model):
    """A school, faith group, community organisation or partner the team works with.

    Two flags, two owners: ``establishment_status`` says whether the place exists (for schools, as
    GIAS says: the import keeps it); ``is_active`` is the team's own switch for whether it is offered
    in choices and lists. A school that closes is made inactive too; the team may hide an open one.
    """

    name = models.CharField(max_length=200)
    organisation_type = models.CharField(max_length=20, choices=OrganisationType.choices)
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations")
    urn = models.CharField(
        "URN",
        max_length=6,
        blank=True,
        validators=[urn_validator],
        help_text="Schools only: the DfE unique reference number.",
    )
    phase = models.CharField(
        max_length=20, choices=SchoolPhase.choices, blank=True, help_text="Schools only: the phase of education."
    )
    establishment_status = models.CharField(
        "status",
        max_length=10,
        choices=EstablishmentStatus.choices,
        default=EstablishmentStatus.OPEN,
        help_text="Whether it still exists. For schools, the GIAS import keeps this up to date.",
    )
    address = models.TextField(
        blank=True, help_text="Street and locality; the town and postcode have boxes of their own."
    )
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    email = models.EmailField(blank=True, help_text="A general address, not a person's.")
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    is_active = models.BooleanField(
        "active", default=True, help_text="Offered in choices and lists. A school that closes is made inactive."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("organisation_type"), FieldPanel("establishment_status")]),
        MultiFieldPanel([FieldRowPanel([FieldPanel("urn"), FieldPanel("phase")])], heading="Schools"),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("town"), FieldPanel("postcode")]),
                FieldPanel("ward"),
            ],
            heading="Where",
        ),
        MultiFieldPanel([FieldPanel("email"), FieldPanel("phone"), FieldPanel("website")], heading="Contact"),
        FieldPanel("is_active"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("postcode"),
        index.SearchField("urn"),
        index.AutocompleteField("urn"),
        index.FilterField("organisation_type"),
        index.FilterField("establishment_status"),
        index.FilterField("is_active"),
    ]

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["urn"], condition=~models.Q(urn=""), name="unique_school_urn"),
            # Schools are told apart by URN: an academy conversion opens a new URN with the old name and
            # postcode while the old one closes, so name and postcode are unique only among the rest.
            models.UniqueConstraint(
                fields=["name", "postcode"], condition=models.Q(urn=""), name="unique_organisation_name_postcode"
            ),
        ]
        permissions = [("import_organisations", "Can import organisations and schools from a file")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.organisation_type == OrganisationType.SCHOOL and not self.urn:
            raise ValidationError({"urn": "Enter the school's 6-digit URN."})
        if self.organisation_type != OrganisationType.SCHOOL and self.urn:
            raise ValidationError({"urn": "Only schools have a URN: clear this box or make the type a school."})
        if self.organisation_type != OrganisationType.SCHOOL and self.phase:
            raise ValidationError({"phase": "Only schools have a phase: clear this box or make the type a school."})
        if self.postcode:
            self.postcode = self.postcode.upper().strip()


class MemberSide(models.TextChoices):
    ADMINISTRATION = "administration", "Administration"
    OPPOSITION = "opposition", "Opposition"


CABINET_NOT_ADMINISTRATION = "Cabinet Members sit in the Administration: set Administration first."


class User(AbstractUser):
    """A person who signs in: staff booking training, Members, forum members, the team.

    Email is the sign-in. ``organisation_name`` is what the person typed;
    ``organisation`` links it to the register of organisations once the team
    has matched it. The elected-Member fields are set by the Prevent team only
    (``crm.services.member_details_update``), never by the person.
    """

    email = models.EmailField("email address", unique=True)
    organisation_name = models.CharField("organisation", max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name="organisation in the register",
        help_text="The organisation this person's typed name was matched to.",
    )
    organisation_type = models.CharField(max_length=20, choices=OrganisationType.choices, blank=True)
    job_role = models.CharField(max_length=200, blank=True)

    # Set by the Prevent team only.
    political_group = models.CharField(max_length=100, blank=True, help_text="e.g. Labour, Conservative")
    member_side = models.CharField(
        "Administration or Opposition", max_length=20, choices=MemberSide.choices, blank=True
    )
    is_cabinet_member = models.BooleanField("Cabinet Member", default=False)

    MEMBER_FIELDS = ("political_group", "member_side", "is_cabinet_member")

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_cabinet_member=False) | models.Q(member_side="administration"),
                name="cabinet_members_are_administration",
                violation_error_message=CABINET_NOT_ADMINISTRATION,
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        member_details_check(member_side=self.member_side, is_cabinet_member=self.is_cabinet_member)

    @property
    def is_elected_member(self) -> bool:
        return bool(self.member_side)


def member_details_check(*, member_side: str, is_cabinet_member: bool) -> None:
    """The one rule for Member details: a known side, and a Cabinet seat only in the Administration.

    Raises ``ValidationError`` keyed by field, so a form shows it beside the box to fix.
    """
    if member_side and member_side not in MemberSide.values:
        raise ValidationError({"member_side": "Choose Administration or Opposition."})
    if is_cabinet_member and member_side != MemberSide.ADMINISTRATION:
        raise ValidationError({"is_cabinet_member": CABINET_NOT_ADMINISTRATION})


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Not sent: no longer applies"


class OutboxMessage(models.Model):
    """One email waiting to go, gone, or given up on: every email the site sends is stored here first.

    ``crm.outbox.OutboxBackend`` writes the row (Django's EMAIL_BACKEND); ``manage.py send_outbox``
    sends due rows through the real transport, retrying with backoff, so a mail server that is down
    never turns a booking or a sign-up into an error. Attachments keep their bytes (base64) with
    their file names and types, so an invite.ics goes out exactly as it was made.

    A message may be stored *to be built*: ``builder`` names a function and ``builder_kwargs`` its
    arguments (``crm.outbox.outbox_defer``). The sender calls it when the message is due, stores what it
    built on the row, then sends it; so a booking's request stores one small row instead of drawing a
    ticket and a calendar file (issue 15). A builder that answers None (the booking was cancelled
    first) marks the row *skipped*.
    """

    from_email = models.CharField(max_length=500)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    bcc = models.JSONField(default=list, blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=1000)
    body = models.TextField(blank=True)
    html_body = models.TextField(blank=True)
    attachments = models.JSONField(default=list, blank=True)  # [{"filename", "mimetype", "content_base64"}]
    headers = models.JSONField(default=dict, blank=True)
    builder = models.CharField(max_length=200, blank=True)
    builder_kwargs = models.JSONField(default=dict, blank=True)
    built = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "outgoing email"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self):
        return f"{self.subject} to {', '.join(self.to)}"

    @property
    def recipients(self) -> str:
        return ", ".join(self.to)


class ContactMethod(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    IN_PERSON = "in_person", "In person"
    ANY = "any", "No preference"


class LawfulBasis(models.TextChoices):
    """The UK GDPR Article 6 basis on which the team holds a contact's details."""

    PUBLIC_TASK = "public_task", "Public task (the Prevent duty)"
    LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests"
    CONSENT = "consent", "Consent"


class Contact(models.Model):
    """A named person at an organisation the team works with: a head teacher, a DSL, an imam, a centre manager.

    A contact is not an account: most never sign in. When the person has an account, ``user``
    links the two; deleting the account (``crm.services.person_delete``) unlinks the contact and
    keeps it, as the team holds it on its own lawful basis.
    """

    name = models.CharField(max_length=200)
    role = models.CharField("role or title", max_length=200, blank=True, help_text="e.g. Head teacher, DSL, Imam")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="contacts")
    email = models.EmailField("work email", blank=True)
    phone = models.CharField("work phone", max_length=40, blank=True)
    preferred_contact = models.CharField(
        "prefers contact by", max_length=20, choices=ContactMethod.choices, default=ContactMethod.EMAIL
    )
    lawful_basis = models.CharField(
        max_length=30,
        choices=LawfulBasis.choices,
        default=LawfulBasis.PUBLIC_TASK,
        help_text="Why the team may hold these details (UK GDPR Article 6).",
    )
    lawful_basis_note = models.TextField(
        "lawful basis note",
        blank=True,
        help_text="e.g. when and how consent was given, or the interest weighed. No sensitive details.",
    )
    user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name="account",
        help_text="Only if this person also has an account on the site. A contact is not an account.",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("role")]),
        FieldPanel("organisation"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]), FieldPanel("preferred_contact")],
            heading="How to reach them",
        ),
        MultiFieldPanel([FieldPanel("lawful_basis"), FieldPanel("lawful_basis_note")], heading="Lawful basis"),
        FieldPanel("user"),
        FieldPanel("notes"),
    ]

    class Meta:
        ordering = ["organisation__name", "name"]

    def __str__(self):
        return f"{self.name} ({self.role}, {self.organisation})" if self.role else f"{self.name} ({self.organisation})"


# Outreach visits (issue 11) and governance (issue 13) live in their own modules; imported here so Django finds them.
from .governance.models import (  # noqa: E402, F401
    ActionDigest,
    ActionUpdate,
    AgendaItem,
    CommunityConcern,
    ConcernTheme,
    Meeting,
    MeetingAction,
    MeetingAttendance,
    MeetingMinutes,
    MeetingPaper,
    MeetingSeries,
    SeriesMember,
)
from .governance.registers import (  # noqa: E402, F401
    Recommendation,
    RecommendationAction,
    Risk,
    RiskReview,
)
from .outreach.models import ContactType, OutreachActivity, OutreachTag, OutreachVisit  # noqa: E402, F401
