"""Reads about the register of organisations: choosing one, typed names still to match, and what a merge moves.

Typed organisation names (``organisation_name`` beside a nullable ``organisation`` link, on accounts
and on attendances) are compared by ``organisation_name_key``: case, accents, spacing and
punctuation do not count, and "&" reads as "and", so "St Mary's C of E Primary" and
"st marys c of e primary" are the same name. crm is the ground floor and may not import the apps
above it, so the models that hold a typed name are found from ``Organisation``'s own relations
(``typed_name_holders``): a model added later with the same pair of fields is matched too.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count

from .models import Organisation, OrganisationType

if TYPE_CHECKING:
    from django.db import models

TYPED_NAME_FIELD = "organisation_name"
LINK_FIELD = "organisation"
SUGGESTION_MIN_SCORE = 0.55
SUGGESTIONS_SHOWN = 3

_URN_IN_CHOICE = re.compile(r"\(URN (\d{6})\)\s*$")
_POSTCODE_IN_CHOICE = re.compile(r"^(?P<name>.+?)\s*\((?P<postcode>[A-Z0-9 ]{2,10})\)\s*$")
_URN_ALONE = re.compile(r"^\s*(\d{6})\s*$")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def organisation_name_key(name: str) -> str:
    """The form of an organisation's name that matching compares: "St Mary's C of E" → "stmaryscofe".

    Lower case, accents dropped, "&" read as "and", and everything but letters and digits
    (spaces, apostrophes, hyphens, full stops, commas) taken out.
    """
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    text = text.replace("&", " and ").replace("+", " and ")
    return _NOT_WORD.sub("", text)


def _words(name: str) -> set[str]:
    text = unicodedata.normalize("NFKD", name or "").casefold().replace("&", " and ")
    return {word for word in _NOT_WORD.split(text.replace("'", "").replace("\u2019", "")) if word}


# --- Choosing an organisation (sign-up, My account) -------------------------------------------------


def organisation_choice_label(organisation: Organisation, *, with_postcode: bool = False) -> str:
    """How an organisation reads in the searchable list: its name, and a school's URN ("… (URN 100321)").

    Two organisations of the same name are told apart by postcode.
    """
    if organisation.urn:
        return f"{organisation.name} (URN {organisation.urn})"
    if with_postcode and organisation.postcode:
        return f"{organisation.name} ({organisation.postcode})"
    return organisation.name


def organisation_choices() -> list[tuple[Organisation, str]]:
    """The active organisations people may choose from, each with its label in the searchable list."""
    organisations = list(Organisation.objects.filter(is_active=True).order_by("name", "postcode"))
    names = Counter(organisation_name_key(org.name) for org in organisations)
    return [
        (org, organisation_choice_label(org, with_postcode=names[organisation_name_key(org.name)] > 1))
        for org in organisations
    ]


def organisation_for_choice(text: str) -> Organisation | None:
    """The active organisation a person chose by typing or picking ``text``; None when it names none.

    ``text`` may be a label from the list (``organisation_choice_label``), a school's 6-digit URN,
    or a name that matches exactly one organisation's (``organisation_name_key``).
    """
    text = (text or "").strip()
    if not text:
        return None
    active = Organisation.objects.filter(is_active=True)
    urn = _URN_IN_CHOICE.search(text) or _URN_ALONE.match(text)
    if urn:
        return active.filter(urn=urn.group(1)).first()
    key = organisation_name_key(text)
    named = [org for org in active.only("pk", "name") if organisation_name_key(org.name) == key]
    if len(named) == 1:
        return active.get(pk=named[0].pk)
    with_postcode = _POSTCODE_IN_CHOICE.match(text)
    if with_postcode:
        key = organisation_name_key(with_postcode["name"])
        postcode = with_postcode["postcode"].strip().upper()
        for org in active.filter(postcode=postcode):
            if organisation_name_key(org.name) == key:
                return org
    return None


# --- Suggestions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    organisation: Organisation
    score: float  # 0 to 1; 1 is the same name once normalised (or the URN typed)

    @property
    def percent(self) -> int:
        return round(self.score * 100)


LETTERS_WEIGHT, WORDS_WEIGHT = 0.7, 0.3


def _similarity(matcher: SequenceMatcher, typed_words: set[str], key: str, words: set[str], at_least: float) -> float:
    """``name_similarity`` with the typed name already in ``matcher`` (its second sequence, which it indexes once)."""
    if not key or not matcher.b:
        return 0.0
    if key == matcher.b:
        return 1.0
    matcher.set_seq1(key)
    for bound in (matcher.real_quick_ratio, matcher.quick_ratio):
        if LETTERS_WEIGHT * bound() + WORDS_WEIGHT < at_least:
            return 0.0
    both = typed_words | words
    shared = len(typed_words & words) / len(both) if both else 0.0
    return round(LETTERS_WEIGHT * matcher.ratio() + WORDS_WEIGHT * shared, 4)


def name_similarity(typed: str, name: str, *, at_least: float = 0.0) -> float:
    """How alike two organisation names are, 0 to 1: the letters in order (difflib), and the words in common.

    Below ``at_least`` the answer may be any lower score: cheap upper bounds skip the full comparison.
    """
    matcher = SequenceMatcher(None, "", organisation_name_key(typed), autojunk=False)
    return _similarity(matcher, _words(typed), organisation_name_key(name), _words(name), at_least)


def organisation_suggestions(
    typed: str, *, organisations: list[Organisation] | None = None, limit: int = SUGGESTIONS_SHOWN
) -> list[Suggestion]:
    """The organisations whose names are closest to ``typed``, best first (a URN typed in it ranks its school first)."""
    if organisations is None:
        organisations = list(Organisation.objects.all())
    urns = set(re.findall(r"\b\d{6}\b", typed or ""))
    matcher = SequenceMatcher(None, "", organisation_name_key(typed), autojunk=False)
    typed_words = _words(typed)
    scored = []
    for org in organisations:
        if org.urn and org.urn in urns:
            score = 1.0
        else:
            key, words = _name_parts(org.name)
            score = _similarity(matcher, typed_words, key, words, SUGGESTION_MIN_SCORE)
        if score >= SUGGESTION_MIN_SCORE:
            scored.append(Suggestion(org, score))
    scored.sort(key=lambda s: (-s.score, s.organisation.name))
    return scored[:limit]


@lru_cache(maxsize=4096)
def _name_parts(name: str) -> tuple[str, frozenset[str]]:
    return organisation_name_key(name), frozenset(_words(name))


# --- Typed names not yet linked ----------------------------------------------------------------------


@dataclass(frozen=True)
class TypedNameHolder:
    """A model that keeps a typed organisation name beside its link: accounts, attendances..."""

    model: type[models.Model]
    label: str  # "people", "attendances"

    @property
    def is_people(self) -> bool:
        return is_people_model(self.model)

    def unlinked(self):
        """Its rows with a typed name and no link (every row: the model's base manager, taken-back marks too)."""
        return self.model._base_manager.filter(**{f"{LINK_FIELD}__isnull": True}).exclude(**{TYPED_NAME_FIELD: ""})


def is_people_model(model) -> bool:
    """True for the accounts model (people), whose changes each go to the person's own audit log."""
    return model._meta.label == settings.AUTH_USER_MODEL


def typed_name_holders() -> list[TypedNameHolder]:
    """Every model with an ``organisation`` link to the register and an ``organisation_name`` typed beside it."""
    holders = []
    for relation in Organisation._meta.related_objects:
        model = relation.related_model
        if relation.many_to_many or relation.field.name != LINK_FIELD:
            continue
        if TYPED_NAME_FIELD not in {f.name for f in model._meta.concrete_fields}:
            continue
        label = "people" if is_people_model(model) else str(model._meta.verbose_name_plural)
        holders.append(TypedNameHolder(model, label))
    holders.sort(key=lambda holder: (holder.label != "people", holder.label))
    return holders


def count_phrase(label: str, count: int) -> str:
    """ "1 person", "3 people", "1 attendance", "2 attendances": a count with its holder's label."""
    if count == 1:
        label = "person" if label == "people" else label.removesuffix("s")
    return f"{count} {label}"


def counts_phrase(counts: dict[str, int]) -> str:
    """ "2 people, 1 attendance" (kinds with none left out), or "nothing"."""
    return ", ".join(count_phrase(label, count) for label, count in counts.items() if count) or "nothing"


@dataclass
class UnmatchedName:
    """One typed organisation name not yet linked, as many ways as it was typed, with how many rows hold it."""

    key: str
    variants: Counter = field(default_factory=Counter)  # typed spelling → rows
    counts: dict[str, int] = field(default_factory=dict)  # holder label → rows
    types: Counter = field(default_factory=Counter)  # organisation type typed → rows

    @property
    def name(self) -> str:
        """The spelling most often typed (the first alphabetically on a tie)."""
        return min(self.variants.items(), key=lambda item: (-item[1], item[0]))[0]

    @property
    def other_spellings(self) -> list[str]:
        return sorted(spelling for spelling in self.variants if spelling != self.name)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def counts_text(self) -> str:
        return counts_phrase(self.counts)

    @property
    def organisation_type(self) -> str:
        """The type most often typed with it (blank when none was)."""
        typed = [(count, value) for value, count in self.types.items() if value in OrganisationType.values]
        return max(typed)[1] if typed else ""


def unmatched_typed_names(*, search: str = "") -> list[UnmatchedName]:
    """Typed organisation names with no link, grouped by ``organisation_name_key``, most rows first.

    Counted in the database per spelling and type; grouped here, so it works the same on SQLite and PostgreSQL.
    """
    groups: dict[str, UnmatchedName] = {}
    for holder in typed_name_holders():
        rows = holder.unlinked()
        if search:
            rows = rows.filter(**{f"{TYPED_NAME_FIELD}__icontains": search.strip()})
        for row in rows.values(TYPED_NAME_FIELD, "organisation_type").annotate(n=Count("pk")):
            typed = " ".join(row[TYPED_NAME_FIELD].split())
            key = organisation_name_key(typed)
            if not key:
                continue
            group = groups.setdefault(key, UnmatchedName(key=key))
            group.variants[typed] += row["n"]
            group.counts[holder.label] = group.counts.get(holder.label, 0) + row["n"]
            group.types[row["organisation_type"]] += row["n"]
    return sorted(groups.values(), key=lambda group: (-group.total, group.name.casefold()))


def unmatched_name(key: str) -> UnmatchedName | None:
    """One group of ``unmatched_typed_names`` by its key; None when nothing unlinked has that name any more."""
    return next((group for group in unmatched_typed_names() if group.key == key), None)


def typed_name_rows(holder: TypedNameHolder, key: str):
    """The rows of ``holder`` with no link whose typed name has ``key`` (``organisation_name_key``)."""
    spellings = {
        typed
        for typed in holder.unlinked().values_list(TYPED_NAME_FIELD, flat=True).distinct()
        if organisation_name_key(typed) == key
    }
    return holder.unlinked().filter(**{f"{TYPED_NAME_FIELD}__in": spellings})


def exact_matches() -> dict[str, Organisation]:
    """Typed-name key → the one organisation with that name (names two organisations share are left out)."""
    by_key: dict[str, list[Organisation]] = defaultdict(list)
    for org in Organisation.objects.all():
        by_key[organisation_name_key(org.name)].append(org)
    return {key: orgs[0] for key, orgs in by_key.items() if key and len(orgs) == 1}


# --- Merging ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MergeLine:
    """One kind of record that points at the organisation merged away, and how many."""

    what: str
    count: int


def organisation_references(organisation: Organisation) -> list[tuple[object, object]]:
    """(relation, rows) for everything that points at ``organisation``: every foreign key and many-to-many.

    Found from the model's relations, so records added by later apps (contacts, outreach visits) are included.
    """
    found = []
    for relation in Organisation._meta.related_objects:
        if relation.many_to_many:
            through = relation.through
            if not through._meta.auto_created:
                continue  # a through model of the project's own: its foreign key is a relation of its own, here
            rows = through._base_manager.filter(**{relation.field.m2m_reverse_field_name(): organisation})
        else:
            rows = relation.related_model._base_manager.filter(**{relation.field.name: organisation})
        found.append((relation, rows))
    for m2m in Organisation._meta.many_to_many:
        through = m2m.remote_field.through
        found.append((m2m, through._base_manager.filter(**{m2m.m2m_field_name(): organisation})))
    return found


def relation_label(relation) -> str:
    """ "People", "Attendances", "Closed sessions (training sessions)": what a relation's rows are, for the preview."""
    if relation in Organisation._meta.many_to_many:
        return str(relation.verbose_name).capitalize()
    model = relation.related_model
    if is_people_model(model):
        return "People"
    plural = str(model._meta.verbose_name_plural)
    accessor = relation.get_accessor_name().replace("_", " ")
    if accessor.replace(" ", "") == plural.replace(" ", ""):
        return plural.capitalize()
    return f"{accessor.capitalize()} ({plural})"


def organisation_merge_preview(*, winner: Organisation, loser: Organisation) -> list[MergeLine]:
    """What merging ``loser`` into ``winner`` moves: a line per kind of record (only those with any)."""
    lines = []
    for relation, rows in organisation_references(loser):
        count = rows.count()
        if count:
            lines.append(MergeLine(relation_label(relation), count))
    return lines


def organisations_for_merge(*, exclude: Organisation | None = None):
    """Organisations to choose the one to keep from, with how many people are linked to each."""
    rows = Organisation.objects.annotate(linked_people=Count("people"))
    return rows.exclude(pk=exclude.pk) if exclude is not None else rows
