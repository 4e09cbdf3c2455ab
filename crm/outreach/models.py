"""Outreach visits and their topic tags: counts and places, never people."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

PEOPLE_ENGAGED_MAX = 10_000


class ContactType(models.TextChoices):
    FACE_TO_FACE = "face_to_face", "Face to face"
    PHONE = "phone", "Phone"
    ONLINE = "online", "Online"
    EMAIL = "email", "Email"
    EVENT = "event", "Event"


class OutreachActivity(models.TextChoices):
    ASSEMBLY = "assembly", "Assembly"
    FAITH_SETTING = "faith_setting", "Faith-setting visit"
    COMMUNITY_STALL = "community_stall", "Community stall"
    PARTNERSHIP_MEETING = "partnership_meeting", "Partnership meeting"
    TRAINING_PROMOTION = "training_promotion", "Training promotion"
    OTHER = "other", "Other"


class OutreachTag(models.Model):
    """A topic the team counts outreach by (e.g. online harms, far right, school holidays); edited in the admin."""

    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "outreach topic tag"

    def __str__(self):
        return self.name


class OutreachVisit(models.Model):
    """One outreach contact: when, where (ward, organisation or venue), what kind, how many people.

    ``uuid`` is made by the phone that logged it, so a retry or a double tap (online or when an
    offline visit is sent later) finds the visit already made instead of making a second.
    Free text never holds personal data (``crm.text.personal_data_check``).
    """

    uuid = models.UUIDField("visit reference", unique=True, editable=False, default=uuid.uuid4)
    visited_at = models.DateTimeField("date and time")
    ward = models.ForeignKey("crm.Ward", on_delete=models.PROTECT, related_name="outreach_visits")
    organisation = models.ForeignKey(
        "crm.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outreach_visits",
    )
    venue = models.CharField(max_length=200, blank=True, help_text="A place not in the register, e.g. a market.")
    contact_type = models.CharField("type", max_length=20, choices=ContactType.choices)
    activity = models.CharField(max_length=30, choices=OutreachActivity.choices)
    tags = models.ManyToManyField(OutreachTag, blank=True, related_name="visits", verbose_name="topic tags")
    people_engaged = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(PEOPLE_ENGAGED_MAX)])
    partner_agencies = models.CharField(
        "partner agencies present", max_length=500, blank=True, help_text="Agencies, not people."
    )
    outcome = models.TextField(blank=True)
    follow_up_on = models.DateField("follow up on", null=True, blank=True)
    notes = models.TextField(blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="outreach_visits",
        help_text="Who logged the visit.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    TEXT_FIELDS = ("venue", "partner_agencies", "outcome", "notes")

    panels = [
        FieldRowPanel([FieldPanel("visited_at"), FieldPanel("ward")]),
        FieldRowPanel([FieldPanel("organisation"), FieldPanel("venue")]),
        FieldRowPanel([FieldPanel("contact_type"), FieldPanel("activity"), FieldPanel("people_engaged")]),
        FieldPanel("tags"),
        MultiFieldPanel(
            [FieldPanel("partner_agencies"), FieldPanel("outcome"), FieldPanel("follow_up_on"), FieldPanel("notes")],
            heading="What happened (no names)",
        ),
    ]

    class Meta:
        ordering = ["-visited_at", "-pk"]
        verbose_name = "outreach visit"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(people_engaged__lte=PEOPLE_ENGAGED_MAX),
                name="outreach_people_engaged_at_most_10000",
            )
        ]
        indexes = [
            models.Index(fields=["ward", "visited_at"], name="outreach_ward_when"),
            models.Index(fields=["visited_at"], name="outreach_when"),  # a period's visits (the reports)
        ]

    def __str__(self):
        where = self.organisation.name if self.organisation_id else (self.venue or self.ward.name)
        return f"{self.get_contact_type_display()} – {where}, {self.visited_at:%d %b %Y}"

    @property
    def tag_names(self) -> str:
        return ", ".join(tag.name for tag in self.tags.all())

    def clean(self):
        from crm.text import personal_data_errors

        errors = personal_data_errors({name: getattr(self, name) for name in self.TEXT_FIELDS})
        if errors:
            from django.core.exceptions import ValidationError

            raise ValidationError(errors)
