"""Whole public pages kept for anonymous visitors: the one generation number every app bumps.

The portal's ``AnonymousPageCacheMiddleware`` keeps a public page's whole response under the
current *generation*; anything that changes what an anonymous visitor could see bumps it
(``page_cache_invalidate``), and every kept page is then stale at once, on every web process
(the generation lives in the shared cache: Redis in production). It sits in crm, the ground
floor, so events can bump it where a booking changes the places left (an ``UPDATE`` that sends
no signal); portal connects the signals of the rest (``portal.pagecache``).
"""

from __future__ import annotations

from .generations import generation, generations_invalidate

GENERATION_KEY = "pagecache:generation"
# The page tree's own generation: what the header and footer look up (the training index, the privacy
# notice) changes only with pages, not with every session or booking.
PAGE_TREE_KEY = "pagecache:page-tree"


def page_cache_generation() -> int:
    """The current generation (``crm.generations``)."""
    return generation(GENERATION_KEY)


def page_tree_generation() -> int:
    return generation(PAGE_TREE_KEY)


def page_cache_invalidate(*_args, **_kwargs) -> None:
    """Make every kept public page stale: now, and again when the current transaction commits
    (``crm.generations``). Takes and ignores any arguments, so it can be connected to signals as it is.
    """
    generations_invalidate(GENERATION_KEY)


def page_tree_invalidate(*_args, **_kwargs) -> None:
    """A page or its restrictions changed: kept pages and the header's and footer's page lookups are stale."""
    generations_invalidate(GENERATION_KEY, PAGE_TREE_KEY)
