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
# The page tree's own generation: what the header and footer look up (the training index, the privacy
# notice) changes only with pages, not with every session or booking.
PAGE_TREE_KEY = "pagecache:page-tree"


def page_cache_generation(key: str = GENERATION_KEY) -> int:
    """The current generation (1 the first time it is asked for)."""
    generation = cache.get(key)
    if generation is None:
        cache.add(key, 1, timeout=None)
        generation = cache.get(key, 1)
    return generation


def page_tree_generation() -> int:
    return page_cache_generation(PAGE_TREE_KEY)


def _bump(key: str = GENERATION_KEY) -> None:
    try:
        cache.incr(key)
    except ValueError:  # not there yet (a new cache): anything kept under no generation is unreachable anyway
        cache.add(key, 1, timeout=None)


def page_cache_invalidate(*_args, **_kwargs) -> None:
    """Make every kept public page stale: now, and again when the current transaction commits.

    Now, so this request's own next page is fresh; on commit, so a page another visitor rendered
    between the change and its commit (still showing the old state) is not kept as current. Takes
    and ignores any arguments, so it can be connected to signals as it is.
    """
    _bump()
    transaction.on_commit(_bump)


def page_tree_invalidate(*_args, **_kwargs) -> None:
    """A page or its restrictions changed: kept pages and the header's and footer's page lookups are stale."""
    page_cache_invalidate()
    _bump(PAGE_TREE_KEY)
    transaction.on_commit(lambda: _bump(PAGE_TREE_KEY))
