"""Sign-in throttling that slows password guessing without letting a stranger lock anyone out.

The rule (issue 10 item 4): wrong passwords are counted per account and per network address in
the shared cache (Redis in production), so every web process sees the same counts. When an
account has had too many wrong passwords, sign-ins to it from *new* devices wait a few minutes;
a browser that has signed in to that account before carries a signed "known device" cookie
and is throttled only by its own wrong guesses, so an attacker typing wrong passwords
elsewhere cannot keep the real person (or the team admin) out. The per-address limit is
generous, because a council's proxy puts a whole office behind one address, and it does not
apply to known devices either. Whoever is refused is told why, for how long, and what still
works.
"""

from __future__ import annotations

import math
import secrets
import time
from typing import TYPE_CHECKING

from allauth.core.internal import ratelimit
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from crm.models import User

KNOWN_DEVICE_COOKIE = "portal_known_device"
KNOWN_DEVICE_SALT = "portal.login_throttle.known_device"
KNOWN_DEVICE_MAX_AGE = 365 * 24 * 60 * 60
# A shared computer remembers at most this many accounts.
KNOWN_DEVICE_MAX_ACCOUNTS = 10

NEW_DEVICE = "login_failed_new_device"
KNOWN_DEVICE = "login_failed_known_device"

ERROR_CODE = "too_many_login_attempts"
ACCOUNT_PAUSED = (
    "This account has had too many wrong passwords in the last few minutes, so signing in to it "
    "from a new device is paused for {wait}. On a phone or computer you have signed in with "
    "before, your password still works now. Or choose 'Forgot your password?' to reset it by email."
)
NETWORK_PAUSED = (
    "Too many wrong passwords have come from your network just now, so signing in from a new "
    "device here is paused for {wait}. On a phone or computer you have signed in with before, "
    "your password still works now."
)
DEVICE_PAUSED = (
    "Too many wrong passwords on this device for this account, so signing in here is paused "
    "for {wait}. Or choose 'Forgot your password?' to reset it by email."
)


def _rates() -> dict[str, str]:
    return settings.PORTAL_LOGIN_RATE_LIMITS


def _account_key(email: str) -> str:
    return f"account:{email.strip().lower()}"


def _read_cookie(request: HttpRequest) -> dict:
    raw = request.COOKIES.get(KNOWN_DEVICE_COOKIE)
    if not raw:
        return {}
    try:
        value = signing.loads(raw, salt=KNOWN_DEVICE_SALT, max_age=KNOWN_DEVICE_MAX_AGE)
    except signing.BadSignature:
        return {}
    if not isinstance(value, dict) or not isinstance(value.get("d"), str) or not isinstance(value.get("u"), list):
        return {}
    return value


def known_device_id(request: HttpRequest, email: str) -> str | None:
    """This browser's device id when it has signed in to the account with ``email`` before, else None."""
    device = _read_cookie(request)
    if not device or not email:
        return None
    pks = get_user_model()._default_manager.filter(email__iexact=email.strip()).values_list("pk", flat=True)
    return device["d"] if any(pk in device["u"] for pk in pks) else None


def remember_device(request: HttpRequest, response: HttpResponse, user: User) -> None:
    """After a successful sign-in, mark this browser as a known device for ``user`` (a signed cookie)."""
    device = _read_cookie(request) or {"d": secrets.token_urlsafe(16), "u": []}
    accounts = [pk for pk in device["u"] if pk != user.pk] + [user.pk]
    value = {"d": device["d"], "u": accounts[-KNOWN_DEVICE_MAX_ACCOUNTS:]}
    response.set_cookie(
        KNOWN_DEVICE_COOKIE,
        signing.dumps(value, salt=KNOWN_DEVICE_SALT),
        max_age=KNOWN_DEVICE_MAX_AGE,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def _wait_text(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def _seconds_left(request: HttpRequest, action: str, rate: ratelimit.Rate, key: str) -> float:
    cache_key = ratelimit.get_cache_key(request, app="allauth.account", action=action, rate=rate, key=key)
    history = cache.get(cache_key) or []
    if not history:
        return rate.duration
    return max(0.0, history[-1] + rate.duration - time.time())


def consume_attempt(request: HttpRequest, *, email: str) -> ratelimit.RateLimitUsage:
    """Count one password attempt for ``email`` from this request before the password is checked.

    Rule: a known device for the account counts only against its own allowance (per account and
    device); any other device counts against the address's and the account's allowances.
    Raises ``forms.ValidationError`` (code ``too_many_login_attempts``) with a message saying how
    long to wait and what still works, once an allowance is used up. The caller rolls the
    returned usage back when the password was right, so only wrong passwords are counted.
    """
    device = known_device_id(request, email)
    if device:
        action, key = KNOWN_DEVICE, f"{_account_key(email)}:device:{device}"
    else:
        action, key = NEW_DEVICE, _account_key(email)
    usage = ratelimit.RateLimitUsage(usage=[])
    for rate in ratelimit.get_rates(app="allauth.account", action=action, config=_rates()):
        one_rate = f"{rate.amount}/{int(rate.duration)}s/{rate.per}"
        single = ratelimit.consume(request, app="allauth.account", action=action, config={action: one_rate}, key=key)
        if single is None:
            wait = _wait_text(_seconds_left(request, action, rate, key))
            if device:
                message = DEVICE_PAUSED
            elif rate.per == "ip":
                message = NETWORK_PAUSED
            else:
                message = ACCOUNT_PAUSED
            raise forms.ValidationError(message.format(wait=wait), code=ERROR_CODE)
        usage.usage.extend(single.usage)
    return usage


def forget_attempts(request: HttpRequest, *, email: str) -> None:
    """Wipe the account's count of wrong passwords (after a password reset by email, itself rate limited)."""
    ratelimit.clear(request, app="allauth.account", action=NEW_DEVICE, config=_rates(), key=_account_key(email))
