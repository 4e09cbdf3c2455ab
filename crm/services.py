"""Writes that carry a rule about people: sign-up, their own profile, roles and elected-Member details."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction

from . import roles
from .models import member_details_check

if TYPE_CHECKING:
    from .models import User

PROFILE_FIELDS = ("first_name", "last_name", "organisation_name", "organisation_type", "job_role")
MEMBER_DETAILS_TEAM_ONLY = "Only the Prevent team can set elected-Member details."


@transaction.atomic
def profile_update(*, user: User, **fields: str) -> User:
    """Save what a person says about themselves: name, organisation and job role.

    Only ``PROFILE_FIELDS`` are accepted; anything else (the elected-Member
    fields above all) raises ``ValueError`` rather than being saved.
    """
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not profile fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password", "username"])
    user.save(update_fields=list(fields))
    return user


@transaction.atomic
def signup_complete(*, user: User, **fields: str) -> User:
    """A new account gets its profile and the Learner role, nothing more."""
    profile_update(user=user, **fields)
    role_assign(user=user, role=roles.LEARNER)
    return user


def role_assign(*, user: User, role: str) -> None:
    """Give ``user`` a role. Raises ``ValueError`` for a name that is not a role."""
    if role not in roles.ALL_ROLES:
        raise ValueError(f"Unknown role: {role}")
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    user.__dict__.pop("_role_names", None)


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
    user.political_group = political_group
    user.member_side = member_side
    user.is_cabinet_member = is_cabinet_member
    user.save(update_fields=list(user.MEMBER_FIELDS))
    if member_side:
        role_assign(user=user, role=roles.ELECTED_MEMBER)
    return user
