"""Meeting papers are private: Wagtail serves documents to anyone by default.

A document that becomes a meeting paper is moved into the *Meeting papers* collection, which has a
view restriction to the Prevent team: Wagtail's own /documents/ address then refuses everyone else.
Members download a paper through /advisory-group/, which checks their series first
(``crm.governance.views.paper_download``).
"""

from __future__ import annotations

from wagtail.models import Collection

from crm import roles
from crm.document_collections import restricted_collection

COLLECTION_NAME = "Meeting papers"


def meeting_papers_collection() -> Collection:
    """The team-only collection of meeting papers, made (with its restriction) the first time it is needed."""
    return restricted_collection(COLLECTION_NAME, roles=[roles.PREVENT_ADMIN])


def paper_made_private(sender, instance, **kwargs) -> None:
    """``post_save`` of ``MeetingPaper``: its document goes into the team-only collection (if not already under it)."""
    collection = meeting_papers_collection()
    document = instance.document
    if document.collection_id != collection.pk and not document.collection.is_descendant_of(collection):
        document.collection = collection
        document.save(update_fields=["collection"])
