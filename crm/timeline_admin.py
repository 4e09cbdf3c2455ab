"""CRM → Organisations → an organisation → *Engagement timeline* (team only): ``crm.timeline`` shown.

Reached from the organisation's edit page (its "More" menu) and from the list's row menu. For the
Prevent team only: it counts the organisation's people at training, so it stays with the people
who see the registers, as the compliance dashboard does.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views.generic import EditView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button

from . import roles
from .exports import ExportIndexView
from .models import Organisation
from .timeline import organisation_timeline

TIMELINE_LABEL = "Engagement timeline"


def can_see_timeline(user) -> bool:
    return roles.has_role(user, roles.PREVENT_ADMIN)


def timeline_url(organisation_pk) -> str:
    return reverse("organisations:timeline", args=[organisation_pk])


class OrganisationTimelineView(WagtailAdminTemplateMixin, TemplateView):
    """Everything the team did with one organisation, newest first, from every app's timeline source."""

    template_name = "crm/admin/organisation_timeline.html"
    header_icon = "history"

    def dispatch(self, request, *args, **kwargs):
        if not can_see_timeline(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def organisation(self) -> Organisation:
        return get_object_or_404(Organisation, pk=self.kwargs["pk"])

    def get_page_title(self):
        return f"{TIMELINE_LABEL}: {self.organisation}"

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": "Home"},
            {"url": reverse("organisations:index"), "label": "Organisations"},
            {"url": reverse("organisations:edit", args=[self.organisation.pk]), "label": str(self.organisation)},
            {"url": "", "label": TIMELINE_LABEL},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(organisation=self.organisation, items=organisation_timeline(self.organisation))
        return context


class OrganisationIndexView(ExportIndexView):
    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if can_see_timeline(self.request.user):
            buttons.append(MenuItem(TIMELINE_LABEL, url=timeline_url(instance.pk), icon_name="history", priority=30))
        return buttons


class OrganisationEditView(EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if can_see_timeline(self.request.user):
            buttons.append(Button(TIMELINE_LABEL, url=timeline_url(self.object.pk), icon_name="history", priority=5))
        return buttons
