"""Forum papers are private: Wagtail serves documents to anyone by default.

Minutes and papers for the members' area go into the *Faith Forum papers* collection, which has a
view restriction to the *Faith Forum member* role and the Prevent team: Wagtail's own /documents/
address then sends everyone else to sign in (signed in without the role, allauth sends them on),
never the file. The same pattern as the advisory group's meeting papers (``crm.governance.papers``).
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db.models import QuerySet
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction

from .services.members_area import MEMBERS_AREA_ROLES

COLLECTION_NAME = "Faith Forum papers"


def forum_papers_collection() -> Collection:
    """The members-only collection of forum papers, made (with its restriction) the first time it is needed."""
    # The migrations make the root collection; a database emptied since (a test's flush) may lack it.
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    collection = root.get_children().filter(name=COLLECTION_NAME).first()
    if collection is None:
        collection = root.add_child(name=COLLECTION_NAME)
    restriction = collection.view_restrictions.filter(restriction_type=CollectionViewRestriction.GROUPS).first()
    if restriction is None:
        restriction = CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=CollectionViewRestriction.GROUPS
        )
    restriction.groups.add(*Group.objects.filter(name__in=MEMBERS_AREA_ROLES))
    return collection


def forum_papers(*, limit: int | None = None) -> QuerySet:
    """The documents in the forum papers collection (and collections beneath it), newest first."""
    collection = forum_papers_collection()
    collections = Collection.objects.descendant_of(collection, inclusive=True)
    papers = get_document_model().objects.filter(collection__in=collections).order_by("-created_at", "-pk")
    return papers[:limit] if limit else papers
