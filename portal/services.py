"""Writes that carry a rule about people's accounts and roles."""
from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from . import roles
from .models import MemberSide, User

PROFILE_FIELDS = ("first_name", "last_name", "organisation", "organisation_type", "job_role")


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

    Rule: only the Prevent team (``portal.change_user``) sets these, never the
    Member. Raises ``PermissionDenied`` for anyone else and ``ValidationError``
    when a Cabinet Member is not in the Administration.
    """
    if not actor.has_perm("portal.change_user"):
        raise PermissionDenied("Only the Prevent team can set elected-Member details.")
    if member_side and member_side not in MemberSide.values:
        raise ValidationError({"member_side": "Choose Administration or Opposition."})
    if is_cabinet_member and member_side != MemberSide.ADMINISTRATION:
        raise ValidationError({"is_cabinet_member": "Cabinet Members sit in the Administration."})
    user.political_group = political_group
    user.member_side = member_side
    user.is_cabinet_member = is_cabinet_member
    user.save(update_fields=list(User.MEMBER_FIELDS))
    role_assign(user=user, role=roles.ELECTED_MEMBER)
    return user


def lesson_mark(*, user: User, lesson, complete: bool) -> bool:
    """Record (or undo) a learner completing a lesson. Idempotent; returns whether it is now complete."""
    from .models import LessonProgress

    if complete:
        LessonProgress.objects.get_or_create(user=user, lesson=lesson)
    else:
        LessonProgress.objects.filter(user=user, lesson=lesson).delete()
    return complete
