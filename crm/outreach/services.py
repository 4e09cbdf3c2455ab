"""The writers of outreach visits: logging one (idempotent on the phone's UUID) and correcting one."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_module
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from crm import roles
from crm.text import personal_data_errors

from .models import PEOPLE_ENGAGED_MAX, ContactType, OutreachActivity, OutreachVisit

if TYPE_CHECKING:
    from crm.models import Organisation, User, Ward

    from .models import OutreachTag

EDIT_DAYS = 30

MESSAGES = {
    "personal_data": "Take out the personal data this visit's text holds; nothing was saved.",
    "not_officer": "Only outreach officers and the Prevent team log outreach visits.",
    "uuid_taken": "This visit reference belongs to another officer's visit; nothing was saved.",
    "not_yours": "You can only change visits you logged.",
    "too_old": f"Visits can be changed for {EDIT_DAYS} days after they are logged; ask the Prevent team.",
    "bad_contact_type": "Choose a type of contact from the list.",
    "bad_activity": "Choose an activity from the list.",
    "bad_people_engaged": f"People engaged is a count from 0 to {PEOPLE_ENGAGED_MAX:,}.",
    "future": "A visit cannot be logged in the future: check the date and time.",
}

# The fields a visit's officer (or the team) may set; the officer and the UUID are never changed.
VISIT_FIELDS = (
    "visited_at",
    "ward",
    "organisation",
    "venue",
    "contact_type",
    "activity",
    "people_engaged",
    "partner_agencies",
    "outcome",
    "follow_up_on",
    "notes",
)


class OutreachError(Exception):
    """An outreach rule refused the write; ``code`` says which, ``errors`` maps fields to messages."""

    def __init__(self, code: str, errors: dict[str, list[str]] | None = None):
        self.code = code
        self.message = MESSAGES[code]
        self.errors = errors or {}
        super().__init__(self.message)


def _check(values: dict) -> None:
    errors = personal_data_errors({name: values.get(name) for name in OutreachVisit.TEXT_FIELDS})
    if errors:
        raise OutreachError("personal_data", errors)
    if values["contact_type"] not in ContactType.values:
        raise OutreachError("bad_contact_type", {"contact_type": [MESSAGES["bad_contact_type"]]})
    if values["activity"] not in OutreachActivity.values:
        raise OutreachError("bad_activity", {"activity": [MESSAGES["bad_activity"]]})
    people = values["people_engaged"]
    if not isinstance(people, int) or not 0 <= people <= PEOPLE_ENGAGED_MAX:
        raise OutreachError("bad_people_engaged", {"people_engaged": [MESSAGES["bad_people_engaged"]]})
    # A phone's clock may run a little fast; an hour's grace.
    if values["visited_at"] > timezone.now() + dt.timedelta(hours=1):
        raise OutreachError("future", {"visited_at": [MESSAGES["future"]]})


def outreach_visit_log(
    *,
    officer: User,
    uuid: uuid_module.UUID | str,
    visited_at: dt.datetime,
    ward: Ward,
    contact_type: str,
    activity: str,
    people_engaged: int = 0,
    organisation: Organisation | None = None,
    venue: str = "",
    partner_agencies: str = "",
    outcome: str = "",
    follow_up_on: dt.date | None = None,
    notes: str = "",
    tags: Iterable[OutreachTag] = (),
) -> tuple[OutreachVisit, bool]:
    """Log one visit, once: the rule is one visit per phone-made ``uuid``, whoever retries.

    A second call with the same ``uuid`` (a double tap, a retry after a lost answer, a sync of a
    visit saved offline) returns the visit already logged, unchanged, with ``created`` False.
    Free text holding personal data (``crm.text.personal_data_check``) is refused. Raises
    ``OutreachError`` with ``code`` ``not_officer``, ``uuid_taken``, ``personal_data``,
    ``bad_contact_type``, ``bad_activity``, ``bad_people_engaged`` or ``future``.
    """
    if not roles.has_role(officer, roles.OUTREACH_OFFICER):
        raise OutreachError("not_officer")
    uuid = uuid_module.UUID(str(uuid))
    values = {
        "visited_at": visited_at,
        "ward": ward,
        "organisation": organisation,
        "venue": venue or "",
        "contact_type": contact_type,
        "activity": activity,
        "people_engaged": people_engaged,
        "partner_agencies": partner_agencies or "",
        "outcome": outcome or "",
        "follow_up_on": follow_up_on,
        "notes": notes or "",
    }
    existing = OutreachVisit.objects.filter(uuid=uuid).first()
    if existing is None:
        _check(values)
    try:
        with transaction.atomic():
            visit, created = OutreachVisit.objects.get_or_create(uuid=uuid, defaults={**values, "officer": officer})
            if created:
                visit.tags.set(list(tags))
    except IntegrityError:
        # Two requests with one UUID raced past get_or_create's read: the unique constraint let one
        # in; the other reads it.
        visit, created = OutreachVisit.objects.get(uuid=uuid), False
    if visit.officer_id != officer.pk:
        raise OutreachError("uuid_taken")
    return visit, created


def outreach_visit_can_edit(*, user: User, visit: OutreachVisit, now: dt.datetime | None = None) -> bool:
    """The rule for changing a visit: the team always; its officer for ``EDIT_DAYS`` days after logging it."""
    return _edit_refusal(user=user, visit=visit, now=now) is None


def _edit_refusal(*, user: User, visit: OutreachVisit, now: dt.datetime | None = None) -> str | None:
    if roles.has_role(user):  # the Prevent team (and superusers) hold every role
        return None
    if visit.officer_id != user.pk or not roles.has_role(user, roles.OUTREACH_OFFICER):
        return "not_yours"
    if (now or timezone.now()) - visit.created_at > dt.timedelta(days=EDIT_DAYS):
        return "too_old"
    return None


@transaction.atomic
def outreach_visit_update(
    *, user: User, visit: OutreachVisit, tags: Iterable[OutreachTag] | None = None, **fields
) -> OutreachVisit:
    """Correct a visit: ``fields`` from ``VISIT_FIELDS``; its officer within ``EDIT_DAYS`` days, the team always.

    Raises ``OutreachError`` (``not_yours``, ``too_old``, ``personal_data`` and the checks of
    ``outreach_visit_log``); ``ValueError`` for a field that is not a visit's.
    """
    unknown = set(fields) - set(VISIT_FIELDS)
    if unknown:
        raise ValueError(f"Not outreach visit fields: {', '.join(sorted(unknown))}")
    visit = OutreachVisit.objects.select_for_update().get(pk=visit.pk)
    refusal = _edit_refusal(user=user, visit=visit)
    if refusal:
        raise OutreachError(refusal)
    values = {name: getattr(visit, name) for name in VISIT_FIELDS} | fields
    _check(values)
    for name, value in fields.items():
        setattr(visit, name, value)
    visit.save()
    if tags is not None:
        visit.tags.set(list(tags))
    return visit
