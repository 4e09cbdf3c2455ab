"""Who someone is, kept between requests: their roles, permissions and whether two-factor is on.

Every signed-in request asked the database the same three things: the user's role names (their
groups), their permissions (two queries: their own and their groups') and, for staff, whether an
authenticator app is set up. They change only when the team assigns or removes a role, edits a
group's permissions or an account, or someone sets up or removes two-factor authentication - so
they are kept in the shared cache (Redis in production) under an *auth generation*, and any of
those changes bumps the generation: every kept answer, for everyone, on every web process, is
stale at once (issue 15). An answer is also never kept longer than ``KEEP_SECONDS``.

The generation is ``crm.generations``' (the page cache's mechanism): it starts from the clock, so a key
Redis loses cannot come back as one that answers were kept under before.

Changes made with ``QuerySet.update()`` or raw SQL send no signal: call ``auth_cache_invalidate()``
after them. Saving an account changes nothing kept (the superuser flag is part of the permissions'
key, and an inactive account's permissions are never read from here), so it does not bump: making
people, or signing them in, leaves everyone else's answers kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

from .generations import generation, generations_invalidate

GENERATION_KEY = "auth:generation"
KEEP_SECONDS = 600

T = TypeVar("T")


def auth_generation() -> int:
    return generation(GENERATION_KEY)


def auth_cache_invalidate(*_args, **_kwargs) -> None:
    """Make every kept role, permission and two-factor answer stale: now, and again on commit
    (``crm.generations``). Takes and ignores any arguments, so it can be connected to signals as it is.
    """
    generations_invalidate(GENERATION_KEY)


def auth_cached(user, what: str, compute: Callable[[], T]) -> T:
    """``compute()`` for this user, kept under the current auth generation."""
    key = f"auth:{auth_generation()}:{what}:{user.pk}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, KEEP_SECONDS)
    return value


class CachedModelBackend(ModelBackend):
    """Django's ModelBackend with each person's permissions kept under the auth generation.

    ModelBackend already keeps them on the user object for one request; this keeps them across
    requests. Inactive and anonymous users, and per-object checks, go to ModelBackend as they are.
    """

    def _get_permissions(self, user_obj, obj, from_name):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return super()._get_permissions(user_obj, obj, from_name)
        perm_cache_name = f"_{from_name}_perm_cache"
        if not hasattr(user_obj, perm_cache_name):
            # The superuser flag is part of the key: ModelBackend answers every permission for a superuser.
            perms = auth_cached(
                user_obj,
                f"perms-{from_name}-{int(user_obj.is_superuser)}",
                lambda: super(CachedModelBackend, self)._get_permissions(user_obj, obj, from_name),
            )
            setattr(user_obj, perm_cache_name, perms)
        return getattr(user_obj, perm_cache_name)


def connect_invalidation() -> None:
    """Bump the generation on every change to roles, permissions and authenticators, and when an account goes
    (from ``CrmConfig.ready``)."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save

    User = get_user_model()
    uid = "crm.authcache"
    for model in (Group, Permission, Authenticator):
        post_save.connect(auth_cache_invalidate, sender=model, dispatch_uid=f"{uid}.save.{model._meta.label}")
    for model in (User, Group, Permission, Authenticator):
        post_delete.connect(auth_cache_invalidate, sender=model, dispatch_uid=f"{uid}.delete.{model._meta.label}")
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(auth_cache_invalidate, sender=through, dispatch_uid=f"{uid}.m2m.{through._meta.label}")
