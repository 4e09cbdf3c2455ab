"""The team's screens for outreach: every visit (filters, CSV/XLSX export) and the topic tags."""

from django.urls import path
from django.views.generic import FormView
from wagtail.admin.auth import permission_denied
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from crm import roles
from crm.exports import ExportModelViewSet
from crm.spreadsheets import SpreadsheetInvalid

from .imports import OutreachImportForm, outreach_import
from .models import OutreachTag, OutreachVisit
from .services import OutreachError


class OutreachVisitCreateView(generic.CreateView):
    def save_instance(self):
        """A visit added here is the signed-in person's, with a reference made now."""
        import uuid

        instance = self.form.save(commit=False)
        instance.officer = self.request.user
        instance.uuid = uuid.uuid4()
        instance.save()
        self.form.save_m2m()
        return instance


class OutreachVisitViewSet(ExportModelViewSet):
    model = OutreachVisit
    name = "outreach_visits"
    url_prefix = "crm/outreach-visits"
    icon = "site"
    menu_label = "Outreach visits"
    add_view_class = OutreachVisitCreateView
    list_display = [
        "visited_at",
        "ward",
        "organisation",
        "venue",
        "contact_type",
        "activity",
        "people_engaged",
        "officer",
    ]
    list_filter = ["ward", "contact_type", "activity", "officer", "visited_at", "tags"]
    search_fields = ["venue", "notes", "outcome", "partner_agencies", "organisation__name"]
    list_export = [
        "visited_at",
        "ward",
        "organisation",
        "venue",
        "contact_type",
        "activity",
        "tag_names",
        "people_engaged",
        "partner_agencies",
        "outcome",
        "follow_up_on",
        "notes",
        "officer",
        "uuid",
        "created_at",
    ]
    export_headings = {"tag_names": "Topics", "uuid": "Visit reference"}
    export_filename = "outreach-visits"
    export_names_people = True  # the officer who logged each visit

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("import/", OutreachImportView.as_view(), name="import"),
        ]


class OutreachTagViewSet(ExportModelViewSet):
    model = OutreachTag
    name = "outreach_tags"
    url_prefix = "crm/outreach-tags"
    icon = "tag"
    menu_label = "Outreach topics"
    form_fields = ["name"]
    list_display = ["name"]
    search_fields = ["name"]
    list_export = ["name"]
    export_names_people = False


class OutreachImportView(WagtailAdminTemplateMixin, FormView):
    """CRM → Outreach visits → Import: the same check and import as ``manage.py import_outreach``, the team only."""

    template_name = "crm/admin/outreach_import.html"
    form_class = OutreachImportForm
    page_title = "Import outreach visits"
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not roles.has_role(request.user):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            result = outreach_import(
                upload=form.cleaned_data["file"], officer=self.request.user, dry_run=form.cleaned_data["dry_run"]
            )
        except SpreadsheetInvalid as invalid:
            return self.render_to_response(self.get_context_data(form=form, problems=invalid.problems))
        except OutreachError as error:
            return self.render_to_response(self.get_context_data(form=form, problems=[error.message]))
        return self.render_to_response(self.get_context_data(form=self.form_class(), result=result))
