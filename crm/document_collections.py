"""Collections of documents only some roles may open: one way to make them.

Wagtail serves a document to anyone by default. A collection with a view restriction to some groups
makes Wagtail's own /documents/ address refuse everyone else, for its documents and its children's.
Meeting papers (``crm.governance.papers``: the team only) and the Faith Forum's papers
(``faith_forum.papers``: members and the team) are such collections.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group
from wagtail.models import Collection, CollectionViewRestriction


def restricted_collection(name: str, *, roles: Iterable[str]) -> Collection:
    """The collection ``name`` beneath the root, restricted to ``roles``: made (with its restriction) the first
    time it is needed. The roles are added to its restriction each time; a group the team added by hand stays."""
    # The migrations make the root collection; a database emptied since (a test's flush) may lack it.
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    collection = root.get_children().filter(name=name).first()
    if collection is None:
        collection = root.add_child(name=name)
    restriction = collection.view_restrictions.filter(restriction_type=CollectionViewRestriction.GROUPS).first()
    if restriction is None:
        restriction = CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=CollectionViewRestriction.GROUPS
        )
    restriction.groups.add(*Group.objects.filter(name__in=list(roles)))
    return collection
