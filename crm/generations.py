"""Generation numbers in the shared cache: one way to make everything kept under a name stale at once.

Whatever is kept is keyed with the current generation of what it depends on; a change bumps the
generation, and every kept answer, on every web process, is unreachable from the next read (the number
lives in the shared cache: Redis in production). Used by the anonymous page cache (``crm.pagecache``)
and by who someone is (``crm.authcache``).

A generation starts from the clock, never from 1: if the cache loses the key (a restart, an eviction),
the new number cannot be one that answers were kept under before.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import transaction


def _fresh() -> int:
    return time.time_ns() // 1000


def generation(key: str) -> int:
    """The current generation under ``key``."""
    current = cache.get(key)
    if current is None:
        cache.add(key, _fresh(), timeout=None)
        current = cache.get(key) or _fresh()
    return current


def generation_bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # gone from the cache: a new start from the clock is past every old number
        cache.set(key, _fresh(), timeout=None)


def generations_invalidate(*keys: str) -> None:
    """Bump each generation now, and again when the current transaction commits.

    Now, so this request's own next read is fresh; on commit, so an answer another request worked out
    between the change and its commit (still the old state) is not kept as current.
    """

    def bump() -> None:
        for key in keys:
            generation_bump(key)

    bump()
    transaction.on_commit(bump)
