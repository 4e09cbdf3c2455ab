"""The room screen's rotating check-in code, the pass it gives a phone, and the self check-in rate limit.

A screen code is an HMAC of the session's check-in token and the 25-second window it belongs to, so it
changes by itself (no write per rotation), stops at once when the trainer replaces the session's code,
and cannot be worked out from earlier ones. The code shown now and the one before it are accepted, so a
phone that was slow to open the page is not refused; anything older is. The QR code on the screen
carries the same code in its link, and the six characters beside it are for phones that cannot read it.

A person who showed a current code gets a signed *presence pass* with the form, good for a few minutes:
filling in name, email and organisation takes longer than a code lives.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.core.cache import cache

if TYPE_CHECKING:
    from .models import TrainingSession

WINDOW_SECONDS = 25
GRACE_WINDOWS = 1  # the code just replaced still works, for a slow phone
CODE_LENGTH = 6
# No look-alikes (0/O, 1/I/L), so a code read off a projector is typed right.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

PASS_SALT = "events.checkin_codes.presence"
PASS_MAX_AGE = 15 * 60  # long enough to fill in the form after scanning, too short to forward usefully

RATE_WINDOW_SECONDS = 10 * 60


def _window(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // WINDOW_SECONDS)


def _code_for(session: TrainingSession, window: int) -> str:
    key = hashlib.sha256(f"events.checkin_codes:{settings.SECRET_KEY}".encode()).digest()
    digest = hmac.new(key, f"{session.pk}:{session.checkin_token}:{window}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(CODE_LENGTH):
        number, index = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "".join(chars)


@dataclass
class ScreenCode:
    code: str
    seconds_left: int


def screen_code(session: TrainingSession, *, now: float | None = None) -> ScreenCode:
    """The code the room's screen shows now, and how many seconds until it changes."""
    moment = time.time() if now is None else now
    window = _window(moment)
    return ScreenCode(_code_for(session, window), max(1, int((window + 1) * WINDOW_SECONDS - moment + 0.999)))


def normalise(code: str) -> str:
    """What the person typed, as the screen shows it: capitals, without spaces or dashes."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def screen_code_valid(session: TrainingSession, code: str, *, now: float | None = None) -> bool:
    """Is ``code`` the screen's current code, or the one just before it?"""
    typed = normalise(code)
    if len(typed) != CODE_LENGTH:
        return False
    window = _window(now)
    return any(hmac.compare_digest(typed, _code_for(session, window - back)) for back in range(GRACE_WINDOWS + 1))


def presence_pass(session: TrainingSession) -> str:
    """A signed note that this phone showed a current screen code for ``session`` just now."""
    return signing.dumps({"s": session.pk, "t": session.checkin_token[:12]}, salt=PASS_SALT, compress=True)


def presence_pass_valid(session: TrainingSession, value: str) -> bool:
    if not value:
        return False
    try:
        data = signing.loads(value, salt=PASS_SALT, max_age=PASS_MAX_AGE)
    except signing.BadSignature:
        return False
    return isinstance(data, dict) and data.get("s") == session.pk and data.get("t") == session.checkin_token[:12]


def self_checkin_limit(session: TrainingSession) -> int:
    """Anonymous check-ins allowed per session in ten minutes: the setting, or twice the room, whichever is more."""
    return max(getattr(settings, "EVENTS_SELF_CHECKIN_LIMIT", 60), 2 * session.capacity)


def self_checkin_throttled(session: TrainingSession, *, now: float | None = None) -> bool:
    """Count one anonymous check-in POST against the session (shared cache); True once over the limit."""
    bucket = int((time.time() if now is None else now) // RATE_WINDOW_SECONDS)
    key = f"events:self-checkin:{session.pk}:{bucket}"
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS)
        count = 1
    return count > self_checkin_limit(session)
