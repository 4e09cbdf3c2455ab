"""A person is deleted (``crm.services.person_delete``): the no-shows imported under their email go."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from crm.services import PersonDataLine

from ..models import ImportedNoShow

if TYPE_CHECKING:
    from crm.models import User


def _their_no_shows(user: User) -> QuerySet[ImportedNoShow]:
    """Rows under their email. A row without one names nobody the site can tell apart, so it stays."""
    if not user.email:
        return ImportedNoShow.objects.none()
    return ImportedNoShow.objects.filter(email__iexact=user.email)


def on_person_data_preview(sender, user, **kwargs) -> list[PersonDataLine]:
    return [PersonDataLine("No-shows from imported legacy registers", _their_no_shows(user).count(), "deleted")]


def on_person_deleting(sender, user, by, **kwargs) -> None:
    _their_no_shows(user).delete()
