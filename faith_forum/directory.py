"""The member directory: for each member organisation, only what it agreed to share.

Read by the members' area (``views.members.member_directory``), which only members and the team
reach. Each organisation chose, on applying (and the team can change it on the membership):

- whether it is listed at all (``in_directory``): its name and faith when it is;
- its address (with the ward), phone, general email and website: each only when ticked, taken from
  the CRM's organisation record, so the directory is as current as the team's register;
- its representatives' names and roles at the organisation, when ticked: never their email addresses.

Active and lapsed members are listed (a lapse is for the team to follow up, not news for other members);
members who left never are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from .models import ForumMembership, ForumRepresentative, MembershipStatus

LISTED_STATUSES = (MembershipStatus.ACTIVE, MembershipStatus.LAPSED)


@dataclass(frozen=True)
class DirectoryRepresentative:
    name: str
    role: str


@dataclass(frozen=True)
class DirectoryEntry:
    """What one member organisation shows other members. Blank fields: not shared (or not known)."""

    pk: int
    name: str
    faith: str
    address_lines: tuple[str, ...] = ()
    ward: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    representatives: tuple[DirectoryRepresentative, ...] = field(default_factory=tuple)


def directory_memberships():
    """The memberships listed in the directory, with their organisation and representatives: two queries."""
    representatives = ForumRepresentative.objects.filter(user__is_active=True).select_related("user")
    return (
        ForumMembership.objects.filter(status__in=LISTED_STATUSES, in_directory=True)
        .select_related("organisation__ward")
        .prefetch_related(Prefetch("representatives", queryset=representatives))
        .order_by("organisation__name", "pk")
    )


def directory_entry(membership: ForumMembership) -> DirectoryEntry:
    """One organisation's entry: name and faith, then each detail only as its consent says."""
    organisation = membership.organisation
    address: tuple[str, ...] = ()
    ward = ""
    if membership.share_address:
        lines = [line.strip() for line in organisation.address.splitlines() if line.strip()]
        address = tuple(line for line in [*lines, organisation.town, organisation.postcode] if line)
        ward = organisation.ward.name if organisation.ward_id else ""
    representatives: tuple[DirectoryRepresentative, ...] = ()
    if membership.share_representatives:
        representatives = tuple(
            DirectoryRepresentative(name=rep.user.get_full_name() or "A representative", role=rep.role)
            for rep in membership.representatives.all()
        )
    return DirectoryEntry(
        pk=membership.pk,
        name=organisation.name,
        faith=membership.get_faith_display(),
        address_lines=address,
        ward=ward,
        phone=organisation.phone if membership.share_phone else "",
        email=organisation.email if membership.share_email else "",
        website=organisation.website if membership.share_website else "",
        representatives=representatives,
    )


def member_directory() -> list[DirectoryEntry]:
    """Every listed member organisation's entry, by name."""
    return [directory_entry(membership) for membership in directory_memberships()]
