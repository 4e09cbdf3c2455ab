"""Writes that carry a rule about people: sign-up, their own profile, roles and elected-Member details."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from wagtail.models import ModelLogEntry

from . import roles
from .audit import audit_log, changes_between, snapshot
from .models import member_details_check
from .selectors import organisation_name_key
from .signals import person_data_preview, person_deleting

if TYPE_CHECKING:
    from .models import User

PROFILE_FIELDS = ("first_name", "last_name", "organisation_name", "organisation_type", "organisation", "job_role")
# What the team may change on Settings → Users → edit, beside the Member details (logged by their own service).
ACCOUNT_FIELDS = (
    "email",
    "username",
    *PROFILE_FIELDS,
    "is_active",
    "is_superuser",
)
MEMBER_DETAILS_TEAM_ONLY = "Only the Prevent team can set elected-Member details."
PERSON_DELETE_TEAM_ONLY = "Only the Prevent team can delete people."
PERSON_DELETE_SELF = "You cannot delete your own account here."
DELETED_PERSON = "Deleted person #{pk}"
# Values the audit log keeps in "changes" that name or reach the person: blanked when they are deleted.
PERSONAL_FIELDS = ("first_name", "last_name", "email", "username", "full_name", "job_role", "political_group")


@transaction.atomic
def profile_update(*, user: User, by: User | None = None, **fields) -> User:
    """Save what a person says about themselves: name, organisation and job role.

    Only ``PROFILE_FIELDS`` are accepted; anything else (the elected-Member
    fields above all) raises ``ValueError`` rather than being saved.
    Organisation: choosing one from the register (``organisation``) sets the
    link and the organisation's name and type as theirs; ``organisation=None``
    keeps the name and type as typed, unlinked, for the team to match. A typed
    name changed without a choice drops the old link (it named the old place).
    What changed, against the stored record, is written to the audit log
    (``crm.profile_change``), by ``by`` (the person themselves unless said).
    """
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not profile fields: {', '.join(sorted(unknown))}")
    organisation = fields.get("organisation")
    if organisation is not None:
        fields["organisation_name"] = organisation.name
        fields["organisation_type"] = organisation.organisation_type
    elif "organisation" not in fields and "organisation_name" in fields and user.organisation_id:
        if organisation_name_key(fields["organisation_name"]) != organisation_name_key(user.organisation_name):
            fields["organisation"] = None
    # A form may already have put the new values on the instance: compare with the stored record.
    stored = user._meta.model._base_manager.filter(pk=user.pk).first() if user.pk else None
    before = snapshot(stored or user, fields)
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password", "username"])
    user.save(update_fields=list(fields))
    changes = changes_between(before, snapshot(user, fields))
    if changes:
        audit_log("crm.profile_change", instance=user, user=by or user, person=user, changes=changes)
    return user


@transaction.atomic
def signup_complete(*, user: User, **fields) -> User:
    """A new account gets its profile and the Learner role, nothing more."""
    profile_update(user=user, **fields)
    role_assign(user=user, role=roles.LEARNER)
    return user


def role_assign(*, user: User, role: str, by: User | None = None) -> None:
    """Give ``user`` a role. Raises ``ValueError`` for a name that is not a role. A new role is audited."""
    if role not in roles.ALL_ROLES:
        raise ValueError(f"Unknown role: {role}")
    group, _ = Group.objects.get_or_create(name=role)
    before = sorted(user.groups.values_list("name", flat=True))
    if role in before:
        return
    user.groups.add(group)
    user.__dict__.pop("_role_names", None)
    audit_log(
        "crm.role_change",
        instance=user,
        user=by or user,
        person=user,
        changes={"roles": [before, sorted([*before, role])]},
    )


def role_remove(*, user: User, role: str, by: User | None = None) -> None:
    """Take a role from ``user`` (``role_assign``'s reverse). Raises ``ValueError`` for a name that is not a role.

    A role the person does not hold changes nothing; a removal is audited.
    """
    if role not in roles.ALL_ROLES:
        raise ValueError(f"Unknown role: {role}")
    before = sorted(user.groups.values_list("name", flat=True))
    if role not in before:
        return
    user.groups.remove(Group.objects.get(name=role))
    user.__dict__.pop("_role_names", None)
    audit_log(
        "crm.role_change",
        instance=user,
        user=by or user,
        person=user,
        changes={"roles": [before, [name for name in before if name != role]]},
    )


@transaction.atomic
def mfa_reset(*, user: User, by: User | None, reason: str) -> int:
    """Remove a person's authenticator app and recovery codes, for a lost phone; returns how many went.

    Rules: only the Prevent team (or ``manage.py mfa_reset``, ``by`` None) resets, never their own
    (another member of the team checks who is asking); a reason is required and audited. The person's
    sessions end, so whoever holds them must sign in again and, if their role needs it, set up a new
    app before anything else (``portal.middleware.MFARequiredMiddleware``).
    """
    from importlib import import_module

    from allauth.mfa.models import Authenticator
    from django.conf import settings
    from django.contrib.sessions.models import Session

    if by is not None and not roles.has_role(by, roles.PREVENT_ADMIN):
        raise PermissionDenied("Only the Prevent team resets two-factor sign-in.")
    if by is not None and by.pk == user.pk:
        raise PermissionDenied("Ask another member of the team to reset your own two-factor sign-in.")
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("Say why (for example: lost phone, confirmed by a call to their manager).")
    kinds = sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    removed, _ = Authenticator.objects.filter(user=user).delete()
    ended = 0
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session in Session.objects.all().iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            # Through the session engine, so a copy kept in the cache (cached_db) ends with the row.
            store(session_key=session.session_key).delete()
            ended += 1
    audit_log(
        "crm.mfa_reset",
        instance=user,
        user=by,
        person=user,
        changes={"authenticators": [kinds, []]},
        data={"reason": reason, "sessions_ended": ended},
    )
    return removed


def account_snapshot(user: User) -> dict:
    """What the team's account screen can change (``ACCOUNT_FIELDS`` and the groups), to compare after a save."""
    values = snapshot(user, ACCOUNT_FIELDS)
    values["roles"] = sorted(user.groups.values_list("name", flat=True)) if user.pk else []
    return values


def account_changes_record(*, actor: User, user: User, before: dict, password_changed: bool = False) -> None:
    """The team saved a person's account (Settings → Users): what changed goes to the audit log.

    Roles (groups) are logged as ``crm.role_change``, other fields as ``crm.account_change``;
    ``before`` is ``account_snapshot`` taken before the save.
    """
    user.__dict__.pop("_role_names", None)
    changes = changes_between(before, account_snapshot(user))
    role_changes = changes.pop("roles", None)
    if password_changed:
        changes["password"] = ["(not shown)", "(changed)"]
    if changes:
        audit_log("crm.account_change", instance=user, user=actor, person=user, changes=changes)
    if role_changes:
        audit_log("crm.role_change", instance=user, user=actor, person=user, changes={"roles": role_changes})


@transaction.atomic
def member_details_update(
    *, actor: User, user: User, political_group: str, member_side: str, is_cabinet_member: bool
) -> User:
    """Record a councillor's political group, side and Cabinet seat.

    Rule: only the Prevent team (``crm.change_user``) sets these, never the
    Member; the details follow ``crm.models.member_details_check``. A person
    given a side (Administration or Opposition) is an elected Member and gets
    the *Elected Member* role; clearing the side leaves roles as they are
    (the team changes roles on the same screen).
    Raises ``PermissionDenied`` for anyone else and ``ValidationError`` (keyed
    by field) for details that break the rule.
    """
    if not actor.has_perm("crm.change_user"):
        raise PermissionDenied(MEMBER_DETAILS_TEAM_ONLY)
    member_details_check(member_side=member_side, is_cabinet_member=is_cabinet_member)
    # The stored values, not the instance's: a form may already have set the new ones on it.
    stored = type(user).objects.filter(pk=user.pk).values(*user.MEMBER_FIELDS).first() or {}
    user.political_group = political_group
    user.member_side = member_side
    user.is_cabinet_member = is_cabinet_member
    user.save(update_fields=list(user.MEMBER_FIELDS))
    changes = changes_between(stored, snapshot(user, user.MEMBER_FIELDS))
    if changes:
        audit_log("crm.member_details", instance=user, user=actor, person=user, changes=changes)
    if member_side:
        role_assign(user=user, role=roles.ELECTED_MEMBER, by=actor)
    return user


@dataclass
class PersonDataLine:
    """One kind of data held about a person, and what deleting them does to it."""

    what: str
    count: int
    fate: str  # "deleted", "kept without name and email", ...


def person_delete_preview(*, user: User) -> list[PersonDataLine]:
    """What deleting ``user`` takes away or anonymises, from crm and every app above it (``person_data_preview``)."""
    lines = [
        PersonDataLine("Account: name, email, organisation, job role, Member details and roles", 1, "deleted"),
        PersonDataLine(
            "Contacts at organisations linked to their account",
            user.contacts.count(),
            "kept, no longer linked to an account (a contact is the team's record, not the account)",
        ),
        PersonDataLine(
            "Audit-log entries about them",
            ModelLogEntry.objects.filter(data__person=user.pk).count(),
            "kept, with their name and email taken out",
        ),
    ]
    for _receiver, response in person_data_preview.send(sender=type(user), user=user):
        lines.extend(response or [])
    return lines


@transaction.atomic
def person_delete(*, actor: User, user: User) -> list[PersonDataLine]:
    """Delete a person and their data (the right to erasure).

    Rule: the Prevent team only (``crm.delete_user``), never their own account. Every app erases
    or anonymises what it holds (``person_deleting``: training keeps attendance for the counts but
    without name and email, and deletes certificate files once this commits); the audit log keeps
    its entries about the person but their name and email are taken out of them; then the account
    goes. One audit entry records what went (counts, no names). Raises ``PermissionDenied``.
    Returns what went (``person_delete_preview``).
    """
    if not actor.has_perm("crm.delete_user"):
        raise PermissionDenied(PERSON_DELETE_TEAM_ONLY)
    if actor.pk == user.pk:
        raise PermissionDenied(PERSON_DELETE_SELF)
    user = type(user).objects.select_for_update().get(pk=user.pk)
    lines = person_delete_preview(user=user)
    person_deleting.send(sender=type(user), user=user, by=actor)
    # A contact is not an account: the team keeps it on its own lawful basis, unlinked.
    user.contacts.update(user=None)
    _audit_entries_anonymise(user)
    pk = user.pk
    audit_log(
        "crm.person_delete",
        instance=user,
        user=actor,
        person=pk,
        data={"went": {line.what: f"{line.count} {line.fate}" for line in lines}},
        title=DELETED_PERSON.format(pk=pk),
    )
    user.delete()
    return lines


def _audit_entries_anonymise(user: User) -> None:
    """The log keeps what happened, not who: entries about the person lose their name, email and typed details."""
    from django.contrib.contenttypes.models import ContentType

    label = DELETED_PERSON.format(pk=user.pk)
    entries = ModelLogEntry.objects.filter(data__person=user.pk) | ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(user)), object_id=str(user.pk)
    )
    for entry in entries:
        data = dict(entry.data or {})
        changes = data.get("changes") or {}
        for name in PERSONAL_FIELDS:
            if name in changes:
                changes[name] = ["(deleted)", "(deleted)"]
        data.pop("ip", None)
        entry.data = data
        entry.label = label
        entry.save(update_fields=["data", "label"])
