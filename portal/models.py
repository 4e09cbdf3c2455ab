"""The front door's pages and the site settings: home, content pages, the team's contact details."""

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from crm.blocks import ContentBlock


class HomePage(Page):
    """The portal's front page; training and forum pages sit beneath it."""

    introduction = models.TextField(blank=True, help_text="One or two sentences under the heading.")
    body = StreamField(ContentBlock(), blank=True, use_json_field=True)

    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldPanel("body")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["portal.StandardPage", "events.TrainingIndexPage", "faith_forum.FaithForumPage"]
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
