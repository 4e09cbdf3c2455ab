"""The forum's emails. Called by the services inside their transaction: the outbox stores each message with the change.

Emails to an application's address quote nothing the applicant typed but what the team decided
(the register's organisation name, the reason, the note): anyone may type anyone's address.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse

from events.emails import prevent_team_addresses
from events.links import absolute_url
from events.team import reply_to, sender, team_context

if TYPE_CHECKING:
    import datetime as dt

    from crm.models import User

    from .models import ForumApplication
    from .services.membership import LapseRun


def _send(template: str, subject: str, context: dict, to: list[str]) -> None:
    """One plain-text email per recipient, so nobody sees who else it went to."""
    context = {"base_url": absolute_url(""), **team_context(), **context}
    body = render_to_string(f"faith_forum/email/{template}.txt", context)
    messages = [
        EmailMessage(subject=subject, body=body, from_email=sender(context), to=[address], reply_to=reply_to(context))
        for address in to
    ]
    get_connection().send_messages(messages)


def _register_organisation(application: ForumApplication) -> str:
    """The organisation's name when it came from the register (never a name the applicant typed)."""
    return application.organisation.name if application.organisation_id else ""


def application_received(application: ForumApplication) -> None:
    """Tell the application's address it was received and what happens next."""
    context = {"application": application, "organisation": _register_organisation(application)}
    _send("application_received", "Your application to the Faith Forum", context, [application.email])


def application_team_notice(application: ForumApplication) -> None:
    """Tell the Prevent team an application is waiting (the details are on the admin screen)."""
    context = {
        "application": application,
        "review_url": absolute_url(reverse("forum_applications:edit", args=[application.pk])),
    }
    _send(
        "application_team_notice",
        f"Faith Forum application to decide: {application.organisation_name}",
        context,
        prevent_team_addresses(),
    )


def application_approved(application: ForumApplication, *, account: User, set_password_url: str = "") -> None:
    """Welcome: how to sign in, with a link to set a first password when the account is new."""
    context = {
        "application": application,
        "organisation": application.membership.organisation.name,
        "account": account,
        "set_password_url": set_password_url,
        "link_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        "login_url": absolute_url(reverse("account_login")),
        "reset_url": absolute_url(reverse("account_reset_password")),
        "account_url": absolute_url(reverse("portal:account")),
    }
    _send("application_approved", "Welcome to the Faith Forum", context, [application.email])


def application_declined(application: ForumApplication) -> None:
    """The team's decision, with its reason."""
    context = {"application": application, "organisation": _register_organisation(application)}
    _send("application_declined", "Your application to the Faith Forum", context, [application.email])


def lapse_summary(*, run: LapseRun, today: dt.date) -> None:
    """Tell the team which memberships lapsed today and which are active again (one email)."""
    context = {
        "run": run,
        "today": today,
        "memberships_url": absolute_url(reverse("forum_memberships:index") + "?status=lapsed"),
    }
    _send(
        "lapse_summary",
        f"Faith Forum memberships: {len(run.lapsed)} lapsed, {len(run.reactivated)} active again",
        context,
        prevent_team_addresses(),
    )
