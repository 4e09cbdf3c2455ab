from django.contrib.auth.models import AbstractUser
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from .blocks import ContentBlock


class OrganisationType(models.TextChoices):
    COUNCIL = "council", "Council"
    SCHOOL = "school", "School or college"
    STATUTORY = "statutory", "Other statutory partner"
    VOLUNTARY = "voluntary", "Voluntary or community organisation"
    FAITH = "faith", "Faith organisation"
    ELECTED_MEMBER = "member", "Elected Member"


class MemberSide(models.TextChoices):
    ADMINISTRATION = "administration", "Administration"
    OPPOSITION = "opposition", "Opposition"


class User(AbstractUser):
    """A person who signs in: staff booking training, Members, forum members, the team.

    Email is the sign-in. The elected-Member fields are set by the Prevent team
    only (see ``portal.services.member_details_update``), never by the person.
    """

    email = models.EmailField("email address", unique=True)
    organisation = models.CharField(max_length=200, blank=True)
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
                violation_error_message="Cabinet Members sit in the Administration.",
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.email


class HomePage(Page):
    """The portal's front page; training and forum pages sit beneath it."""

    introduction = models.TextField(blank=True, help_text="One or two sentences under the heading.")
    body = StreamField(ContentBlock(), blank=True, use_json_field=True)

    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldPanel("body")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["portal.StandardPage"]
    template = "portal/home_page.html"


class StandardPage(Page):
    """A general content page: about the team, privacy notice, member areas."""

    introduction = models.TextField(blank=True)
    body = StreamField(ContentBlock(), blank=True, use_json_field=True)

    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldPanel("body")]
    subpage_types = ["portal.StandardPage"]
    template = "portal/standard_page.html"


@register_setting(icon="mail")
class TeamContactSettings(BaseSiteSetting):
    """The Prevent team's contact details, shown in every page footer."""

    team_name = models.CharField(max_length=120, default="Prevent team")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    office_hours = models.CharField(max_length=120, blank=True)
    privacy_notice = RichTextField(blank=True, features=["bold", "italic", "link"])

    panels = [
        MultiFieldPanel([FieldPanel("team_name"), FieldPanel("email"), FieldPanel("phone")], heading="Contact"),
        FieldPanel("address"),
        FieldPanel("office_hours"),
        FieldPanel("privacy_notice"),
    ]

    class Meta:
        verbose_name = "team contact details"
