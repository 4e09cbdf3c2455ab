"""An organisation's engagement timeline: what the team did with it, newest first, from every app.

crm cannot import the apps above it (events, faith_forum, feedback), yet their records belong on an
organisation's timeline. So each app registers a *source* when it is ready (its ``apps.py``), as it
connects to ``crm.signals`` for deleting a person:

    register_timeline_source(training_timeline_items)

A source is called with keyword arguments ``organisation_ids`` (a collection of primary keys),
``since`` and ``until`` (aware datetimes, either may be ``None``: no limit) and returns
``TimelineItem``\\ s for those organisations, from a fixed number of queries however many
organisations and items there are: the schools coverage report asks for every school at once.

Sources today: training attended by an organisation's people and closed sessions held for it
(events), outreach visits (crm, below). PAG attendance, forum membership and feedback register
theirs when those apps have them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from django.utils import timezone

TimelineSource = Callable[..., Iterable["TimelineItem"]]

_sources: list[TimelineSource] = []


@dataclass(frozen=True)
class TimelineItem:
    """One thing on an organisation's timeline: counts and places, never people's names."""

    organisation_id: int
    when: dt.datetime
    kind: str  # a short code, e.g. "training", "closed_session", "outreach"
    kind_label: str  # what the team calls it, e.g. "Outreach visit"
    title: str
    detail: str = ""
    count: int | None = None  # people present, people engaged...
    count_label: str = ""  # what ``count`` counts, e.g. "present"
    url: str = ""  # where the team can see more (an admin page), if anywhere
    all_day: bool = False  # a day, not a time (joined on, left on): shown without "00:00"

    @property
    def is_upcoming(self) -> bool:
        return self.when > timezone.now()


def register_timeline_source(source: TimelineSource) -> TimelineSource:
    """Add a source of timeline items (once, however often an app's ``ready`` runs)."""
    if source not in _sources:
        _sources.append(source)
    return source


def timeline_sources() -> tuple[TimelineSource, ...]:
    return tuple(_sources)


def timeline_items(
    *, organisation_ids: Collection[int], since: dt.datetime | None = None, until: dt.datetime | None = None
) -> list[TimelineItem]:
    """Every registered source's items for the organisations, newest first."""
    ids = list(organisation_ids)
    if not ids:
        return []
    items = [item for source in _sources for item in source(organisation_ids=ids, since=since, until=until)]
    return sorted(items, key=lambda item: (item.when, item.kind, item.title), reverse=True)


def organisation_timeline(
    organisation, *, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> list[TimelineItem]:
    """One organisation's timeline, newest first."""
    return timeline_items(organisation_ids=[organisation.pk], since=since, until=until)


def timelines_by_organisation(
    *, organisation_ids: Collection[int], since: dt.datetime | None = None, until: dt.datetime | None = None
) -> dict[int, list[TimelineItem]]:
    """Several organisations' timelines at once (newest first each): one call to each source, not one per organisation."""
    grouped: dict[int, list[TimelineItem]] = defaultdict(list)
    for item in timeline_items(organisation_ids=organisation_ids, since=since, until=until):
        grouped[item.organisation_id].append(item)
    return dict(grouped)


def within(queryset, field: str, *, since: dt.datetime | None, until: dt.datetime | None):
    """``queryset`` limited to ``since <= field < until`` (either end open when ``None``): for sources."""
    if since is not None:
        queryset = queryset.filter(**{f"{field}__gte": since})
    if until is not None:
        queryset = queryset.filter(**{f"{field}__lt": until})
    return queryset


# --- crm's own source: outreach visits --------------------------------------------------------------------


def outreach_timeline_items(
    *, organisation_ids: Collection[int], since: dt.datetime | None = None, until: dt.datetime | None = None
) -> list[TimelineItem]:
    """Outreach visits to the organisations, with the people engaged: two queries (visits, their tags)."""
    from .models import OutreachVisit

    visits = within(
        OutreachVisit.objects.filter(organisation_id__in=organisation_ids), "visited_at", since=since, until=until
    ).prefetch_related("tags")
    items = []
    for visit in visits:
        tags = ", ".join(tag.name for tag in visit.tags.all())
        items.append(
            TimelineItem(
                organisation_id=visit.organisation_id,
                when=visit.visited_at,
                kind="outreach",
                kind_label="Outreach visit",
                title=f"{visit.get_activity_display()} ({visit.get_contact_type_display().lower()})",
                detail=f"Topics: {tags}" if tags else "",
                count=visit.people_engaged,
                count_label="engaged",
            )
        )
    return items
