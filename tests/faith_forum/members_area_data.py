"""Data for the members' area tests (issue 14): the forum page, its members' area, members and their papers."""

from __future__ import annotations

from pathlib import Path

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Site

from crm import roles
from crm.models import OrganisationType
from faith_forum.models import (
    Faith,
    FaithForumPage,
    ForumMembership,
    ForumMembersPage,
    ForumRepresentative,
    MembershipStatus,
)
from faith_forum.papers import forum_papers_collection
from faith_forum.services import members_area_restrict
from tests.factories import OrganisationFactory, UserFactory
from tests.pagetree import restore_home_page, restore_root_collection


def forum_pages(*, restrict: bool = True):
    """/faith-forum/ with its members' area /faith-forum/members/ (restricted) and /faith-forum/members/minutes/."""
    restore_home_page()
    home = Site.objects.get(is_default_site=True).root_page
    forum = home.add_child(instance=FaithForumPage(title="Faith Forum", slug="faith-forum", introduction="The forum."))
    members = forum.add_child(
        instance=ForumMembersPage(title="Members' area", slug="members", introduction="For members.")
    )
    if restrict:
        members_area_restrict(members)
    minutes = members.add_child(
        instance=ForumMembersPage(title="Minutes", slug="minutes", introduction="Approved minutes.")
    )
    return forum, members, minutes


def forum_paper(title: str = "Minutes of the March meeting", content: bytes = b"Minutes: agreed.\n"):
    """A paper in the Faith Forum papers collection. Wagtail serves a document from its file's path: a copy is
    put there too (run with MEDIA_ROOT set to a temporary folder, as the tests' storage keeps files in memory)."""
    restore_root_collection()
    document = get_document_model().objects.create(
        title=title,
        collection=forum_papers_collection(),
        file=ContentFile(content, name="minutes.txt"),
    )
    path = Path(document.file.path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return document


def member_organisation(name: str, *, status=MembershipStatus.ACTIVE, reps=(), faith=Faith.MUSLIM, **consents):
    """A faith organisation with full contact details in the CRM, its membership and representatives.

    ``reps``: (first name, last name, role) each; consents default to nothing shared but the listing.
    """
    organisation = OrganisationFactory(
        name=name,
        organisation_type=OrganisationType.FAITH,
        address="1 Example Street\nHammersmith",
        town="London",
        postcode="W6 9ZZ",
        phone="020 7946 0999",
        email=f"office@{name.split()[0].lower()}.example.org",
        website=f"https://{name.split()[0].lower()}.example.org",
    )
    membership = ForumMembership.objects.create(organisation=organisation, faith=faith, status=status, **consents)
    for first, last, role in reps:
        user = UserFactory(
            first_name=first,
            last_name=last,
            email=f"{first}.{last}@{name.split()[0].lower()}.example.org".lower(),
            organisation=organisation,
            roles=[roles.FAITH_FORUM_MEMBER] if status != MembershipStatus.LEFT else [],
        )
        ForumRepresentative.objects.create(membership=membership, user=user, role=role)
    return membership
