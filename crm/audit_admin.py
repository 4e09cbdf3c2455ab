"""Reports → People's records history: the audit log filtered by the person whose record changed (team only).

Wagtail's Site history with two more filters: the person (by name or email, or their account's
number when opened from Settings → Users) and only entries about people. Entries say whose
record they are in ``data["person"]`` (``crm.audit.audit_log``).
"""

from __future__ import annotations

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.reports.audit_logging import LogEntriesView, SiteHistoryReportFilterSet

from . import roles
from .models import User

PERSON_LABEL = "Person (name or email)"


def can_see_people_history(user) -> bool:
    """The Prevent team only: the log of everyone's records names people and their sign-ins."""
    return roles.has_role(user, roles.PREVENT_ADMIN)


class PeopleHistoryFilterSet(SiteHistoryReportFilterSet):
    person_search = django_filters.CharFilter(label=PERSON_LABEL, method="filter_person_search")
    person = django_filters.NumberFilter(label="Person's account number", method="filter_person")

    def filter_person_search(self, queryset, name, value):
        words = value.split()
        if not words:
            return queryset
        people = User.objects.all()
        for word in words:
            people = people.filter(
                Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
            )
        return queryset.filter(data__person__in=list(people.values_list("pk", flat=True)[:500]))

    def filter_person(self, queryset, name, value):
        return queryset.filter(data__person=int(value)) if value is not None else queryset

    class Meta(SiteHistoryReportFilterSet.Meta):
        pass


class PeopleHistoryView(LogEntriesView):
    page_title = "People's records history"
    filterset_class = PeopleHistoryFilterSet
    index_url_name = "crm_people_history"
    index_results_url_name = "crm_people_history_results"

    def dispatch(self, request, *args, **kwargs):
        if not can_see_people_history(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def filter_queryset(self, queryset):
        # Only entries about a person's record: the rest of the site's history stays in Site history.
        return super().filter_queryset(queryset.filter(data__person__isnull=False))


class PeopleHistoryMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_people_history(request.user)
