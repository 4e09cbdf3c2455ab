"""Whole public pages for anonymous visitors, kept in the shared cache (issue 15).

A page is kept when an anonymous visitor's GET gets a plain 200 that is the same for every
anonymous visitor, and given back to the next such visitor without touching the database or a
template. Kept:

- only requests carrying no cookie but the CSRF cookie (no session, no flash messages): nobody
  signed in is ever given a kept page, nor given one to keep;
- only responses that are ``200``, not streamed, set no cookie, did not use a CSRF token (a
  form's token is one visitor's own: giving it to another would hand them the first visitor's
  CSRF defence) and whose ``Cache-Control`` does not say private, no-cache or no-store
  (``never_cache`` pages: My account, feeds of one person, anything personal);
- under the current generation (``crm.pagecache``), bumped by everything that changes what an
  anonymous visitor sees: a page published, unpublished, moved or deleted; a view restriction; a
  session saved or deleted; a booking taking or freeing a place (``events.services.booking``);
  the team's contact details (the footer); a forum event; a redirect; the site;
- for at most ``PORTAL_PAGE_CACHE_SECONDS`` (60 by default): what changes with the clock alone
  (a session starting leaves the upcoming list; a booking deadline passes) is at most that late.
  The booking itself always checks the deadline and the places on the server.

``PORTAL_PAGE_CACHE_SECONDS=0`` turns it off (the test settings do, but for the tests of it).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save

from crm.pagecache import page_cache_generation, page_cache_invalidate, page_tree_invalidate

KEY_PREFIX = "pagecache:page"
UNCACHEABLE_CONTROL = ("private", "no-cache", "no-store")


def _seconds() -> int:
    return int(getattr(settings, "PORTAL_PAGE_CACHE_SECONDS", 60))


def _key(request, generation: int) -> str:
    scheme = "https" if request.is_secure() else "http"
    where = f"{scheme}://{request.get_host()}{request.get_full_path()}"
    return f"{KEY_PREFIX}:{generation}:{hashlib.sha256(where.encode()).hexdigest()}"


def _request_is_anonymous(request) -> bool:
    return all(name == settings.CSRF_COOKIE_NAME for name in request.COOKIES)


def _skipped_path(path: str) -> bool:
    return path.startswith((settings.STATIC_URL, settings.MEDIA_URL, *settings.PORTAL_ADMIN_URL_PREFIXES))


def _response_is_shareable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # the page holds a CSRF token: this visitor's own
        return False
    control = response.get("Cache-Control", "").lower()
    return not any(word in control for word in UNCACHEABLE_CONTROL)


class AnonymousPageCacheMiddleware:
    """Give anonymous visitors a kept copy of a public page; keep the ones that may be shared.

    It sits just after ``SecurityMiddleware`` (HTTPS redirect first), so a kept page comes back with
    the headers the rest of the stack gave it the first time (CSP, Permissions-Policy...) and none of
    that stack runs again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = _seconds()
        if (
            seconds <= 0
            or request.method not in ("GET", "HEAD")
            or _skipped_path(request.path_info)
            or not _request_is_anonymous(request)
        ):
            return self.get_response(request)
        key = _key(request, page_cache_generation())
        kept = cache.get(key)
        if kept is not None:
            kept["X-Page-Cache"] = "hit"
            return kept
        response = self.get_response(request)
        if request.method == "GET" and _response_is_shareable(request, response):
            cache.set(key, response, seconds)  # rendered by now: Django renders template responses inside
            response["X-Page-Cache"] = "miss"
        return response


def connect_invalidation() -> None:
    """Bump the generation on every change an anonymous visitor could see (called from ``PortalConfig.ready``)."""
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.models import PageViewRestriction, Site, get_page_models
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from events.models import TrainingSession
    from faith_forum.models import ForumEvent, ForumMembership, ForumRSVP

    from .models import TeamContactSettings

    uid = "portal.pagecache"
    page_published.connect(page_tree_invalidate, dispatch_uid=f"{uid}.published")
    page_unpublished.connect(page_tree_invalidate, dispatch_uid=f"{uid}.unpublished")
    post_page_move.connect(page_tree_invalidate, dispatch_uid=f"{uid}.moved")
    # A signal's sender is the concrete class: every page type is connected, not only Page.
    # The team's contact details are kept under the page tree's generation too (TeamContactSettings.for_request).
    for model in (*get_page_models(), PageViewRestriction, Site, TeamContactSettings):
        post_save.connect(page_tree_invalidate, sender=model, dispatch_uid=f"{uid}.save.{model._meta.label}")
        post_delete.connect(page_tree_invalidate, sender=model, dispatch_uid=f"{uid}.delete.{model._meta.label}")
    for model in (Redirect, TrainingSession, ForumEvent, ForumRSVP, ForumMembership):
        post_save.connect(page_cache_invalidate, sender=model, dispatch_uid=f"{uid}.save.{model._meta.label}")
        post_delete.connect(page_cache_invalidate, sender=model, dispatch_uid=f"{uid}.delete.{model._meta.label}")
    m2m_changed.connect(
        page_tree_invalidate, sender=PageViewRestriction.groups.through, dispatch_uid=f"{uid}.restriction_groups"
    )
