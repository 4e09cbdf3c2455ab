"""The Prevent team as emails and calendar files name it: its name, address and contact details
from the site settings (portal's TeamContactSettings), read through a template context the way
pages read them - never a Python import of the layer above."""

from __future__ import annotations

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.template.loader import render_to_string
from wagtail.contrib.settings.context_processors import SettingProxy
from wagtail.models import Site

DEFAULT_TEAM_NAME = "Prevent team"


def team_context(request=None) -> dict:
    """``settings`` for rendering an email: the site's settings, as the ``settings`` context processor gives pages.

    Emails are rendered without a request (from ``transaction.on_commit``), so the
    context processor never runs: this puts the same proxy in the context by hand.
    """
    site = Site.find_for_request(request) if request is not None else None
    site = site or Site.objects.filter(is_default_site=True).first()
    return {"settings": SettingProxy(site)} if site is not None else {}


def team_name(context: dict) -> str:
    """The team's name from the settings in ``context`` (``team_context``), or "Prevent team"."""
    if not context:
        return DEFAULT_TEAM_NAME
    return render_to_string("includes/team_name.txt", context).strip() or DEFAULT_TEAM_NAME


def sender(context: dict) -> str:
    """The From header: the team's name from the settings, at DEFAULT_FROM_EMAIL's address (the one mail is sent from)."""
    return formataddr((team_name(context), parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))


def team_email(context: dict) -> str:
    """The team's email from the settings - the address every page's footer shows - or DEFAULT_FROM_EMAIL's."""
    address = render_to_string("includes/team_email.txt", context).strip() if context else ""
    return address or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def reply_to(context: dict) -> list[str]:
    """Replies go to the team's email from the settings; none when it is unset (they reach the sender)."""
    address = render_to_string("includes/team_email.txt", context).strip() if context else ""
    return [address] if address else []
