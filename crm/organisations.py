"""Writes that carry a rule about the register of organisations: matching typed names to it, and merging.

- ``typed_name_link``: every account and attendance whose typed organisation name is the same name
  (``crm.selectors.organisation_name_key``) is linked to one organisation, in one step.
- ``organisation_create_from_typed_name``: a typed name becomes a new organisation, then the same link.
- ``exact_matches_link``: every typed name that is exactly one organisation's name is linked
  (``manage.py link_organisations``, and *Link exact matches* on the matching screen).
- ``organisation_merge``: everything that pointed at one organisation points at the other, then the
  first is deleted.

Linking never changes what was typed: an account keeps its typed name, and an attendance keeps its
snapshot of name and type as it was on the day (only the link beside it is set). The rules are the
Prevent team's (``can_match_organisations``); a management command acts with ``by=None``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from wagtail.log_actions import log

from . import roles
from .audit import audit_log
from .models import Organisation
from .selectors import (
    LINK_FIELD,
    MergeLine,
    exact_matches,
    is_people_model,
    organisation_merge_preview,
    organisation_references,
    relation_label,
    typed_name_holders,
    typed_name_rows,
    unmatched_typed_names,
)

if TYPE_CHECKING:
    from .models import User

MESSAGES = {
    "team_only": "Only the Prevent team can match and merge organisations.",
    "nothing_to_link": "Nothing is waiting to be linked under “{name}”: it may have been linked already.",
    "merge_same": "Choose two different organisations: an organisation cannot be merged into itself.",
    "merge_clash": "These organisations cannot be merged: {what} of both would clash ({error}). "
    "Change or remove one of them first, then merge.",
}

# The audit-log actions of the register (Reports → Site history), each showing what changed.
ORGANISATION_ACTIONS = {
    "crm.organisation_link": ("Organisation linked", "Linked to an organisation in the register"),
    "crm.organisation_names_link": ("Typed names linked", "Linked typed organisation names"),
    "crm.organisation_merge": ("Organisations merged", "Merged an organisation into this one"),
}


class OrganisationError(Exception):
    """A refusal of the register's rules, with a code (``MESSAGES``) and the words people see."""

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        self.message = MESSAGES[code].format(**params)
        super().__init__(self.message)


def can_match_organisations(user) -> bool:
    """The Prevent team matches typed names and merges organisations."""
    return bool(user and user.is_authenticated and roles.has_role(user, roles.PREVENT_ADMIN))


def _require_team(by: User | None) -> None:
    if by is not None and not can_match_organisations(by):
        raise PermissionDenied(MESSAGES["team_only"])


def _people_relinked(people, *, organisation: Organisation | None, by: User | None, was: dict[int, str]) -> None:
    """Each person's record says its organisation link changed (People's records history)."""
    for person in people:
        audit_log(
            "crm.organisation_link",
            instance=person,
            user=by,
            person=person,
            changes={"organisation": [was.get(person.pk), str(organisation) if organisation else None]},
        )


@dataclass
class LinkResult:
    """What a link did: the typed name (as most often typed), the organisation, and rows linked by kind."""

    name: str
    organisation: Organisation
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _link(*, key: str, organisation: Organisation, by: User | None, name: str) -> LinkResult:
    result = LinkResult(name=name, organisation=organisation)
    for holder in typed_name_holders():
        rows = typed_name_rows(holder, key)
        if holder.is_people:
            people = list(rows.select_for_update())
            _people_relinked(people, organisation=organisation, by=by, was={})
        result.counts[holder.label] = rows.update(**{LINK_FIELD: organisation})
    return result


@transaction.atomic
def typed_name_link(*, key: str, organisation: Organisation, by: User | None) -> LinkResult:
    """Link every account and attendance with no link whose typed name has ``key`` to ``organisation``.

    Typed names and attendance snapshots stay as they are; only the link is set. Each person's record
    logs the change, and the organisation logs how many were linked (``crm.organisation_names_link``).
    Raises ``PermissionDenied`` for anyone but the team and ``OrganisationError`` nothing_to_link.
    """
    _require_team(by)
    group = next((g for g in unmatched_typed_names() if g.key == key), None)
    if group is None:
        raise OrganisationError("nothing_to_link", name=key)
    result = _link(key=key, organisation=organisation, by=by, name=group.name)
    audit_log(
        "crm.organisation_names_link",
        instance=organisation,
        user=by,
        data={"typed": sorted(group.variants), "linked": result.counts},
    )
    return result


@transaction.atomic
def organisation_create_from_typed_name(
    *, key: str, name: str, organisation_type: str, urn: str = "", by: User | None
) -> LinkResult:
    """Add a typed name to the register as a new organisation (checked by the model's own rules: a school
    needs its URN), then link everything typed with that name to it (``typed_name_link``).

    Raises ``ValidationError`` keyed by field, ``PermissionDenied`` and ``OrganisationError``; nothing is
    saved unless all of it is.
    """
    _require_team(by)
    organisation = Organisation(name=name.strip(), organisation_type=organisation_type, urn=urn.strip())
    organisation.full_clean()
    organisation.save()
    log(organisation, "wagtail.create", user=by)
    return typed_name_link(key=key, organisation=organisation, by=by)


@transaction.atomic
def exact_matches_link(*, by: User | None, dry_run: bool = False) -> list[LinkResult]:
    """Link every typed name that, once normalised, is exactly one organisation's name.

    Names two organisations share are left for the team to choose. ``dry_run`` says what would be
    linked and changes nothing. Raises ``PermissionDenied`` for anyone but the team.
    """
    _require_team(by)
    matches = exact_matches()
    results = []
    for group in unmatched_typed_names():
        organisation = matches.get(group.key)
        if organisation is None:
            continue
        if dry_run:
            results.append(LinkResult(name=group.name, organisation=organisation, counts=dict(group.counts)))
        else:
            results.append(typed_name_link(key=group.key, organisation=organisation, by=by))
    return results


@transaction.atomic
def organisation_merge(*, winner: Organisation, loser: Organisation, by: User | None) -> list[MergeLine]:
    """Merge ``loser`` into ``winner``: everything that pointed at ``loser`` points at ``winner``, then
    ``loser`` is deleted.

    "Everything" is every relation to Organisation (``crm.selectors.organisation_references``): people,
    attendances, closed sessions, and whatever later apps add (contacts, outreach visits), found from
    the model so none is forgotten. Attendance snapshots (name and type on the day) do not change.
    A many-to-many already holding ``winner`` just drops ``loser``. When a move would break a
    uniqueness rule (say a record allowed once per organisation) nothing is changed:
    ``OrganisationError`` merge_clash. Also merge_same, and ``PermissionDenied`` for anyone but the team.
    The merge is in the audit log of ``winner`` (what was moved, from which organisation) and of each
    person moved. Returns what was moved (``organisation_merge_preview``).
    """
    _require_team(by)
    if winner.pk == loser.pk:
        raise OrganisationError("merge_same")
    locked = {org.pk: org for org in Organisation.objects.select_for_update().filter(pk__in=[winner.pk, loser.pk])}
    winner, loser = locked[winner.pk], locked[loser.pk]
    moved = organisation_merge_preview(winner=winner, loser=loser)
    people = []
    for relation, rows in organisation_references(loser):
        try:
            with transaction.atomic():
                if relation.many_to_many:
                    _m2m_move(relation, rows, winner=winner)
                else:
                    if is_people_model(relation.related_model):
                        people = list(rows)
                    rows.update(**{relation.field.name: winner})
        except IntegrityError as error:
            raise OrganisationError("merge_clash", what=relation_label(relation), error=error) from error
    _people_relinked(people, organisation=winner, by=by, was={person.pk: str(loser) for person in people})
    audit_log(
        "crm.organisation_merge",
        instance=winner,
        user=by,
        data={"merged": f"{loser} (#{loser.pk})", "moved": {line.what: line.count for line in moved}},
    )
    loser.delete()
    return moved


def _m2m_move(relation, rows, *, winner: Organisation) -> None:
    """Move a many-to-many's rows from the loser to ``winner``, dropping those that already hold ``winner``."""
    if relation in Organisation._meta.many_to_many:
        own, other = relation.m2m_field_name(), relation.m2m_reverse_field_name()
    else:
        own, other = relation.field.m2m_reverse_field_name(), relation.field.m2m_field_name()
    through = rows.model
    already = through._base_manager.filter(**{own: winner}).values_list(other, flat=True)
    rows.filter(**{f"{other}__in": list(already)}).delete()
    rows.update(**{own: winner})


__all__ = [
    "MESSAGES",
    "ORGANISATION_ACTIONS",
    "LinkResult",
    "OrganisationError",
    "can_match_organisations",
    "exact_matches_link",
    "organisation_create_from_typed_name",
    "organisation_merge",
    "typed_name_link",
]
