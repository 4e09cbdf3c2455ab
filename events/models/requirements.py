"""Mandatory training: who must do which training, how it can be done, and for how long it counts."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import LazyObject
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.search import index


class RequirementStatus(models.TextChoices):
    """Where a person stands against a requirement. The order is the order of the dashboard's columns."""

    COMPLETE = "complete", "Complete"
    DUE_RENEWAL = "due_renewal", "Due for renewal"
    EXPIRED = "expired", "Expired"
    BOOKED = "booked", "Booked"
    NOT_STARTED = "not_started", "Not started"


class TrainingRequirement(index.Indexed, models.Model):
    """Training that a group of people must do, e.g. all elected Members, or every Designated Safeguarding Lead."""

    name = models.CharField(max_length=150, unique=True, help_text="e.g. Prevent training for elected Members")
    description = models.TextField(blank=True, help_text="Shown to the people it applies to, on My training.")
    groups = models.ManyToManyField(
        "auth.Group",
        related_name="training_requirements",
        help_text="Who must do it: everyone in these groups (e.g. Elected Member, Designated Safeguarding Leads).",
    )
    courses = models.ManyToManyField(
        "events.CoursePage",
        related_name="requirements",
        blank=True,
        help_text="Courses that satisfy it: attending a session of any of them counts (e.g. WRAP or the Member briefing).",
    )
    external_certificate_name = models.CharField(
        "external certificate accepted",
        max_length=150,
        blank=True,
        help_text="e.g. Home Office Prevent e-learning. People upload it; the team approves it. Leave blank if none.",
    )
    valid_for_months = models.PositiveSmallIntegerField(
        null=True, blank=True, default=24, help_text="How long a completion counts. Leave blank if it never expires."
    )
    renewal_window_days = models.PositiveSmallIntegerField(
        default=60, help_text="How many days before expiry someone becomes 'due for renewal' and is reminded."
    )
    active = models.BooleanField(default=True, help_text="Inactive requirements send no reminders and are not shown.")
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("groups"),
        MultiFieldPanel(
            [FieldPanel("courses"), FieldPanel("external_certificate_name")], heading="Ways to complete it"
        ),
        FieldRowPanel([FieldPanel("valid_for_months"), FieldPanel("renewal_window_days")]),
        FieldPanel("active"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.valid_for_months is not None and self.valid_for_months < 1:
            raise ValidationError({"valid_for_months": "Give at least 1 month, or leave it blank if it never expires."})


class CertificateStatus(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Not accepted"


class _PrivateStorage(LazyObject):
    """Certificates are personal data: kept outside MEDIA_ROOT and served only through a permission-checked view."""

    def _setup(self):
        self._wrapped = FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


private_storage = _PrivateStorage()


def get_private_storage():
    """The certificates' storage, given to the field as a callable so that migrations name this
    function instead of freezing one machine's PRIVATE_MEDIA_ROOT into an absolute path."""
    return private_storage


CERTIFICATE_EXTENSIONS = ["pdf", "png", "jpg", "jpeg"]


def certificate_path(instance, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"certificates/{instance.user_id}/{timezone.now():%Y%m%d%H%M%S}.{extension}"


class ExternalCertificate(models.Model):
    """Proof of training done elsewhere (e.g. the Home Office e-learning), counted once the team approves it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_certificates")
    requirement = models.ForeignKey(TrainingRequirement, on_delete=models.CASCADE, related_name="certificates")
    title = models.CharField(max_length=200, help_text="e.g. Home Office Prevent awareness e-learning")
    completed_on = models.DateField(help_text="The date on the certificate.")
    file = models.FileField(
        storage=get_private_storage,
        upload_to=certificate_path,
        validators=[FileExtensionValidator(CERTIFICATE_EXTENSIONS)],
        help_text="A PDF or photo of the certificate, up to 5 MB.",
    )
    status = models.CharField(max_length=20, choices=CertificateStatus.choices, default=CertificateStatus.PENDING)
    uploaded_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(
        max_length=255, blank=True, help_text="Why it was not accepted (the person sees this)."
    )

    class Meta:
        ordering = ["-uploaded_at"]
        indexes = [models.Index(fields=["requirement", "status", "user"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(review_note=""),
                name="rejected_certificate_says_why",
                violation_error_message="Say why the certificate was not accepted.",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.user}, {self.completed_on:%d %b %Y})"

    def file_link(self):
        """The certificate itself, through the permission-checked view (the file has no public address)."""
        from django.urls import reverse
        from django.utils.html import format_html

        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Open the certificate</a>',
            reverse("events:external_certificate_file", args=[self.pk]),
        )

    file_link.short_description = "Certificate file"


class TrainingReminder(models.Model):
    """A reminder already sent, so the daily run sends each one once.

    ``key`` says which occasion: "not_started", "renewal:<expiry date>", or for the team's
    monthly summary "summary:<YYYY-MM>" (with no person and no requirement).
    """

    requirement = models.ForeignKey(
        TrainingRequirement, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="training_reminders"
    )
    key = models.CharField(max_length=40)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["requirement", "user", "key"], name="one_reminder_per_occasion"),
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(user__isnull=True, requirement__isnull=True),
                name="one_team_summary_per_month",
            ),
        ]

    def __str__(self):
        return f"Reminder {self.key} sent {self.sent_at:%Y-%m-%d}"
