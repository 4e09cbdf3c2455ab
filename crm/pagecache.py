"""Whole public pages kept for anonymous visitors: the one generation number every app bumps.

The portal's ``AnonymousPageCacheMiddleware`` keeps a public page's whole response under the
current *generation*; anything that changes what an anonymous visitor could see bumps it
(``page_cache_invalidate``), and every kept page is then stale at once, on every web process
(the generation lives in the shared cache: Redis in production). It sits in crm, the ground
floor, so events can bump it where a booking changes the places left (an ``UPDATE`` that sends
no signal); portal connects the signals of the rest (``portal.pagecache``).
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "pagecache:generation"


def page_cache_generation() -> int:
    """The current generation (1 the first time it is asked for)."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    return generation


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there yet (a new cache): anything kept under no generation is unreachable anyway
        cache.add(GENERATION_KEY, 1, timeout=None)


def page_cache_invalidate(*_args, **_kwargs) -> None:
    """Make every kept public page stale: now, and again when the current transaction commits.

    Now, so this request's own next page is fresh; on commit, so a page another visitor rendered
    between the change and its commit (still showing the old state) is not kept as current. Takes
    and ignores any arguments, so it can be connected to signals as it is.
    """
    _bump()
    transaction.on_commit(_bump)
