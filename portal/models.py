"""The front door's pages and the site settings: home, content pages, the team's contact details."""

from django.core.cache import cache
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, Site

from crm.blocks import ContentBlock
from crm.pagecache import page_tree_generation


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

    # Every page's footer and every email reads these: kept in the shared cache under the page tree's
    # generation, which a change to them, a site or any page bumps (portal.pagecache), instead of two
    # queries (the site, the settings) on every page (issue 15).
    @classmethod
    def for_request(cls, request):
        attr_name = cls.get_cache_attr_name()
        if hasattr(request, attr_name):
            return getattr(request, attr_name)
        key = f"portal:team-contact:{page_tree_generation()}:host:{request.get_host()}"
        site_settings = cache.get(key)
        if site_settings is None:
            site_settings = cls.for_site(Site.find_for_request(request))
            cache.set(key, site_settings, 3600)
        site_settings._request = request
        setattr(request, attr_name, site_settings)
        return site_settings

    @classmethod
    def for_site(cls, site):
        key = f"portal:team-contact:{page_tree_generation()}:site:{site.pk if site else None}"
        site_settings = cache.get(key)
        if site_settings is None:
            site_settings = super().for_site(site)
            cache.set(key, site_settings, 3600)
        return site_settings
