"""Wards, organisations, people, courses and topic tags of the scale data: made when missing, reused when there."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.utils import timezone
from wagtail.models import Site

from crm.models import MemberSide, Organisation, OrganisationType, User, Ward
from crm.outreach.models import OutreachTag
from events.models import (
    CoursePage,
    TrainingIndexPage,
)

from .rows import next_id, reset_sequences, write_rows
from .shape import BATCH, COURSES, EMAIL_DOMAIN, ORGANISATIONS, PREFIX, SLUG, TAGS, WARDS

# --- Reference data: wards, organisations, people, courses ------------------------------------------


def wards() -> list[int]:
    names = [f"{PREFIX}{name}" for name in WARDS]
    existing = set(Ward.objects.filter(name__in=names).values_list("name", flat=True))
    Ward.objects.bulk_create([Ward(name=name) for name in names if name not in existing])
    return list(Ward.objects.filter(name__in=names).order_by("name").values_list("pk", flat=True))


def organisations(rng: random.Random, wards: list[int]) -> dict[str, list[tuple[int, str, int]]]:
    """(id, name, ward id) of the scale organisations of each kind, made when missing."""
    existing = {name for name in Organisation.objects.filter(name__startswith=PREFIX).values_list("name", flat=True)}
    taken_urns = set(Organisation.objects.exclude(urn="").values_list("urn", flat=True))
    urns = (f"{n:06d}" for n in range(990000, 1000000) if f"{n:06d}" not in taken_urns)
    new = []
    for kind, how_many in ORGANISATIONS.items():
        label = OrganisationType(kind).label
        for n in range(1, how_many + 1):
            name = f"{PREFIX}{label} {n}"
            if name in existing:
                continue
            school = kind == OrganisationType.SCHOOL
            new.append(
                Organisation(
                    name=name,
                    organisation_type=kind,
                    ward_id=wards[(n * 7 + len(kind)) % len(wards)],
                    urn=next(urns) if school else "",
                    phase=rng.choice(["primary", "primary", "secondary", "special"]) if school else "",
                )
            )
    Organisation.objects.bulk_create(new, batch_size=BATCH)
    found: dict[str, list[tuple[int, str, int]]] = {kind: [] for kind in ORGANISATIONS}
    rows = Organisation.objects.filter(name__startswith=PREFIX).order_by("pk")
    for pk, name, kind, ward in rows.values_list("pk", "name", "organisation_type", "ward_id"):
        found.setdefault(kind, []).append((pk, name, ward))
    return found


def email_address(local: str) -> str:
    return f"{local}@{EMAIL_DOMAIN}"


@dataclass
class Person:
    pk: int
    name: str
    email: str
    organisation: tuple[int, str, int] | None
    kind: str
    side: str = ""
    cabinet: bool = False


def people(
    rng: random.Random, kind: str, how_many: int, organisations: list[tuple[int, str, int]], organisation_type: str = ""
) -> list[Person]:
    """At least ``how_many`` people of one kind (``scale-<kind>-<n>``), made when missing; sides for Members."""
    stem = f"scale-{kind}-"
    have = User.objects.filter(username__startswith=stem).count()
    now = timezone.now()
    if have < how_many:
        start = next_id(User)
        rows = []
        for n in range(have, how_many):
            organisation = organisations[n % len(organisations)] if organisations else None
            side, cabinet = "", False
            if kind == OrganisationType.ELECTED_MEMBER:
                side = MemberSide.ADMINISTRATION if n % 3 else MemberSide.OPPOSITION
                cabinet = side == MemberSide.ADMINISTRATION and n % 7 == 1
            rows.append(
                (
                    start + n - have,
                    f"{stem}{n}",
                    email_address(f"{stem}{n}"),
                    "!scale-unusable",
                    "Scale",
                    f"{kind.title()} {n}",
                    organisation[1] if organisation else "",
                    organisation[0] if organisation else None,
                    organisation_type or kind,
                    "Scale role",
                    "Scale group" if side else "",
                    side,
                    cabinet,
                    False,
                    False,
                    True,
                    now,
                )
            )
        write_rows(
            User,
            (
                "id",
                "username",
                "email",
                "password",
                "first_name",
                "last_name",
                "organisation_name",
                "organisation_id",
                "organisation_type",
                "job_role",
                "political_group",
                "member_side",
                "is_cabinet_member",
                "is_superuser",
                "is_staff",
                "is_active",
                "date_joined",
            ),
            rows,
        )
        reset_sequences(User)
    orgs = {organisation[0]: organisation for organisation in organisations}
    people = []
    for pk, username, email, org, side, cabinet in (
        User.objects.filter(username__startswith=stem)
        .order_by("pk")
        .values_list("pk", "username", "email", "organisation_id", "member_side", "is_cabinet_member")[:how_many]
    ):
        people.append(Person(pk, f"Scale {username}", email, orgs.get(org), organisation_type or kind, side, cabinet))
    rng.shuffle(people)
    return people


def training_index() -> TrainingIndexPage:
    """The site's training index; one of this module's own (a draft, ``scale-data-training``) when there is none."""
    index = TrainingIndexPage.objects.first()
    if index is not None:
        return index
    home = Site.objects.get(is_default_site=True).root_page
    index = TrainingIndexPage(title=f"{PREFIX}Training", slug=f"{SLUG}training", live=False)
    home.add_child(instance=index)
    return index


def courses() -> list[tuple[int, str, float]]:
    """(id, category, share) of the scale courses: draft pages, made when missing."""
    index = training_index()
    found = []
    for n, (category, title, share) in enumerate(COURSES):
        slug = f"{SLUG}course-{n + 1}"
        course = CoursePage.objects.filter(slug=slug).first()
        if course is None:
            course = CoursePage(
                title=f"{PREFIX}{title}",
                slug=slug,
                live=False,
                summary="Made by manage.py seed_scale to measure the reports.",
                audience="Measurement only",
                duration="2 hours",
                reporting_category=category,
            )
            index.add_child(instance=course)
        found.append((course.pk, category, share))
    return found


def tags() -> list[int]:
    names = [f"{PREFIX}{name}" for name in TAGS]
    existing = set(OutreachTag.objects.filter(name__in=names).values_list("name", flat=True))
    OutreachTag.objects.bulk_create([OutreachTag(name=name) for name in names if name not in existing])
    return list(OutreachTag.objects.filter(name__in=names).values_list("pk", flat=True))
