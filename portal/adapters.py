"""django-allauth, the team's way: emails that speak as the team, and sign-up that keeps where you were going."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from django import forms
from django.utils.http import url_has_allowed_host_and_scheme

from events.team import reply_to, sender, team_context
from portal import login_throttle

if TYPE_CHECKING:
    from django.http import HttpRequest


def user_display(user) -> str:
    """How allauth names a person on screen: their name, else their email (never the username made from it)."""
    return user.get_full_name() or user.email


def safe_next(request: HttpRequest | None) -> str | None:
    """The ``next`` address the request carries, when it is on this site; None for another site's."""
    if request is None:
        return None
    value = request.POST.get("next") or request.GET.get("next")
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return None


EMAIL_MAX_LENGTH = 254  # RFC 5321's limit for an address, and the email columns' length
EMAIL_TOO_LONG = f"Enter an email address of {EMAIL_MAX_LENGTH} characters or fewer."


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        """An address longer than the database keeps is refused on the form, before any account is made."""
        if len(email) > EMAIL_MAX_LENGTH:
            raise forms.ValidationError(EMAIL_TOO_LONG, code="max_length")
        return super().clean_email(email)

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        """The confirmation link carries where the person was going (the Book button's session).

        allauth's confirmation page sends them on to it once confirmed - in this browser or
        another - and that page asks them to sign in with the same ``next``.
        """
        url = super().get_email_confirmation_url(request, emailconfirmation)
        going_to = safe_next(request)
        return f"{url}?{urlencode({'next': going_to})}" if going_to else url

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Every account email is rendered with the team's settings and sent in the team's name."""
        request = allauth_context.request
        team = team_context(request)
        super().send_mail(template_prefix, email, {**team, **context})

    def render_mail(self, template_prefix, email, context, headers=None):
        message = super().render_mail(template_prefix, email, context, headers=headers)
        message.from_email = sender(context)
        message.reply_to = reply_to(context)
        return message

    # Sign-in throttling (issue 10 item 4): portal.login_throttle holds the rule.
    def pre_authenticate(self, request, **credentials) -> None:
        """Count the attempt against the account, the address or the known device (see login_throttle)."""
        self._login_failed_rl_usage = login_throttle.consume_attempt(request, email=credentials.get("email") or "")

    def _delete_login_attempts_cached_email(self, request, **credentials) -> None:
        login_throttle.forget_attempts(request, email=credentials.get("email") or "")

    def post_login(self, request, user, **kwargs):
        """Signing in marks this browser as a known device for the account."""
        response = super().post_login(request, user, **kwargs)
        login_throttle.remember_device(request, response, user)
        return response


class MFAAdapter(DefaultMFAAdapter):
    """Two-factor authentication in the site's words.

    Switching the authenticator app off is allowed (it asks for the password or a code first):
    it is how a person moves to a new phone, and MFARequiredMiddleware sends anyone who must
    use it straight back to set it up again before they can open anything else.
    """

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": "That code is not right: enter the code your authenticator app shows now.",
    }
