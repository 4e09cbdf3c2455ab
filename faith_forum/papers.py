"""Forum papers are private: Wagtail serves documents to anyone by default.

Minutes and papers for the members' area go into the *Faith Forum papers* collection, which has a
view restriction to the *Faith Forum member* role and the Prevent team: Wagtail's own /documents/
address then sends everyone else to sign in (signed in without the role, allauth sends them on),
never the file. The same pattern as the advisory group's meeting papers (``crm.governance.papers``).
"""

from __future__ import annotations

from django.db.models import QuerySet
from wagtail.documents import get_document_model
from wagtail.models import Collection

from crm.document_collections import restricted_collection

from .services.members_area import MEMBERS_AREA_ROLES

COLLECTION_NAME = "Faith Forum papers"


def forum_papers_collection() -> Collection:
    """The members-only collection of forum papers, made (with its restriction) the first time it is needed."""
    return restricted_collection(COLLECTION_NAME, roles=MEMBERS_AREA_ROLES)


def forum_papers(*, limit: int | None = None) -> QuerySet:
    """The documents in the forum papers collection (and collections beneath it), newest first."""
    collection = forum_papers_collection()
    collections = Collection.objects.descendant_of(collection, inclusive=True)
    papers = get_document_model().objects.filter(collection__in=collections).order_by("-created_at", "-pk")
    return papers[:limit] if limit else papers
