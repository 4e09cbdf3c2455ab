"""The one way a change to someone's record reaches the audit log (Wagtail's, Reports → Site history).

Every service that changes what we hold about a person (bookings, check-ins, registers, profile,
Member details, roles, deletion), every sign-in and every download that names people calls
``audit_log``. The entry's ``data`` says whose record it is (``person``: the account's id, so the
team can filter the log by person: Reports → People's records history) and what changed
(``changes``: ``{field: [before, after]}``, made by ``changes_between``). Passwords, tokens and
file contents are never logged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models
from wagtail.log_actions import LogFormatter, log

if TYPE_CHECKING:
    from crm.models import User

__all__ = [
    "ACTIONS",
    "PeopleLogFormatter",
    "audit_log",
    "changes_between",
    "plain",
    "register_actions",
    "snapshot",
]

# The audit-log actions of people's records kept by crm: action → (label, message).
ACTIONS = {
    "crm.profile_change": ("Profile changed", "Changed their profile"),
    "crm.member_details": ("Member details changed", "Changed elected-Member details"),
    "crm.role_change": ("Roles changed", "Changed roles"),
    "crm.account_change": ("Account changed by the team", "Changed the account"),
    "crm.login": ("Signed in", "Signed in"),
    "crm.login_failed": ("Failed sign-in", "A sign-in failed (wrong password or locked out)"),
    "crm.person_delete": ("Person deleted", "Deleted the person and their data"),
    "crm.mfa_reset": ("Two-factor sign-in reset", "Removed the person's authenticator app and recovery codes"),
}


def plain(value: Any) -> Any:
    """A value as the audit log keeps it (JSON): text, a number, a boolean or nothing."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(str(item) for item in value)
    return str(value)


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields' values now, in the form ``changes_between`` compares."""
    return {name: plain(getattr(instance, name)) for name in fields}


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The fields whose values differ: ``{field: [before, after]}`` (values made plain)."""
    changes = {}
    for name in dict.fromkeys([*before, *after]):
        old, new = plain(before.get(name)), plain(after.get(name))
        if old != new:
            changes[name] = [old, new]
    return changes


def _person_pk(person: User | int | None) -> int | None:
    if person is None or isinstance(person, int):
        return person
    return person.pk


def audit_log(
    action: str,
    *,
    instance: models.Model,
    user: User | None = None,
    person: User | int | None = None,
    changes: Mapping[str, list[Any]] | None = None,
    data: Mapping[str, Any] | None = None,
    title: str | None = None,
):
    """Write one entry about ``instance`` to the audit log, by ``user`` (None: the person themselves, unsigned).

    ``person`` is whose record it is (an account or its id), so the log can be filtered by person;
    ``changes`` is ``{field: [before, after]}``; ``data`` any other facts (counts, ids, a file's name).
    An anonymous ``user`` is logged as nobody.
    """
    entry = {key: plain(value) if not isinstance(value, (dict, list)) else value for key, value in (data or {}).items()}
    person_pk = _person_pk(person)
    if person_pk is not None:
        entry["person"] = person_pk
    if changes:
        entry["changes"] = {name: [plain(old), plain(new)] for name, (old, new) in changes.items()}
    if user is not None and not user.is_authenticated:
        user = None
    return log(instance, action, user=user, data=entry, title=title)


class PeopleLogFormatter(LogFormatter):
    """The entry's message, then what changed: "Changed elected-Member details: member_side administration → opposition"."""

    def format_message(self, log_entry):
        data = log_entry.data or {}
        parts = [f"{name} {_shown(old)} → {_shown(new)}" for name, (old, new) in (data.get("changes") or {}).items()]
        facts = [f"{key}: {_shown(value)}" for key, value in data.items() if key not in ("person", "changes")]
        detail = "; ".join(parts + facts)
        return f"{self.message}: {detail}" if detail else self.message


def _shown(value: Any) -> str:
    if value in (None, ""):
        return "(blank)"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "(none)"
    if isinstance(value, dict):
        return ", ".join(f"{key} {val}" for key, val in value.items())
    return str(value)


def register_actions(registry, actions: Mapping[str, tuple[str, str]]) -> None:
    """Register ``{action: (label, message)}`` with Wagtail's log registry, each showing its changes."""
    for action, (label, message) in actions.items():
        formatter = type("Formatter", (PeopleLogFormatter,), {"label": label, "message": message})
        registry.register_action(action)(formatter)


# --- Sign-ins (Django's auth signals, connected in crm.apps) ----------------------------------


def login_record(sender, request, user, **kwargs) -> None:
    """A person signed in: logged on their account, from which address (the first proxy hop's)."""
    audit_log("crm.login", instance=user, user=user, person=user, data={"ip": _client_ip(request)})


def login_failure_record(sender, credentials, request=None, **kwargs) -> None:
    """A sign-in failed: logged on the account typed, when there is one (never the password, never
    an address that has no account: that would keep a stranger's typo)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    typed = (credentials.get("email") or credentials.get("username") or credentials.get("login") or "").strip()
    if not typed or len(typed) > 254:
        return
    account = User.objects.filter(email__iexact=typed).first() or User.objects.filter(username=typed).first()
    if account is None:
        return
    audit_log("crm.login_failed", instance=account, user=None, person=account, data={"ip": _client_ip(request)})


def _client_ip(request) -> str:
    if request is None:
        return ""
    return request.META.get("REMOTE_ADDR", "")
