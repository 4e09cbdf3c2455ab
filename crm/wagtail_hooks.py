from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.users.forms import GroupForm
from wagtail.users.views import groups as wagtail_groups

from . import roles
from .audit import ACTIONS, register_actions
from .exports import EXPORT_ACTION, EXPORT_ACTION_LABEL, EXPORT_ACTION_MESSAGE, ExportModelViewSet
from .hotspots_admin import HotspotsViewSet
from .matching_admin import OrganisationMatchingViewSet
from .models import Contact, Organisation, Ward
from .organisations import ORGANISATION_ACTIONS, can_match_organisations
from .outreach.admin_views import OutreachTagViewSet, OutreachVisitViewSet
from .timeline_admin import OrganisationEditView, OrganisationTimelineView
from .timeline_admin import OrganisationIndexView as TimelineIndexView

ROLE_GROUP_RENAME_REFUSED = (
    "This group is one of the site's roles and keeps its name: the site finds the role by it. Make a new group instead."
)
ROLE_GROUP_DELETE_REFUSED = "This group is one of the site's roles and cannot be deleted."


# Settings → Groups (issue 10 item 13): the team admin makes groups such as Designated
# Safeguarding Leads (crm.roles grants auth's group permissions); the role groups themselves
# keep their names and cannot be deleted. Wired in as wagtailusers' group_viewset (crm.apps).
class RoleGroupForm(GroupForm):
    def clean_name(self):
        """A role group keeps its name; any other group may be renamed."""
        name = super().clean_name()
        if self.instance.pk and self.instance.name in roles.ALL_ROLES and name != self.instance.name:
            raise forms.ValidationError(ROLE_GROUP_RENAME_REFUSED, code="role_group")
        return name


class RoleGroupDeleteView(wagtail_groups.DeleteView):
    def dispatch(self, request, *args, **kwargs):
        """A role group is never deleted: back to its edit page, saying why.

        Only to people who may delete groups: anyone else gets Wagtail's usual refusal.
        """
        group = self.get_object()
        if group.name in roles.ALL_ROLES and self.permission_policy.user_has_permission(request.user, "delete"):
            messages.error(request, ROLE_GROUP_DELETE_REFUSED)
            return redirect("wagtailusers_groups:edit", group.pk)
        return super().dispatch(request, *args, **kwargs)


class RoleGroupViewSet(wagtail_groups.GroupViewSet):
    delete_view_class = RoleGroupDeleteView

    def get_form_class(self, for_update=False):
        return RoleGroupForm


class OrganisationIndexView(TimelineIndexView):
    def get_list_more_buttons(self, instance):
        """The team may merge an organisation into another (CRM → Match names → Merge), with a preview first."""
        buttons = list(super().get_list_more_buttons(instance))
        if can_match_organisations(self.request.user):
            url = reverse("organisation_matching:merge") + f"?organisation={instance.pk}"
            buttons.append(MenuItem("Merge into another", url=url, icon_name="link", priority=50))
        return buttons


class OrganisationViewSet(ExportModelViewSet):
    model = Organisation
    index_view_class = OrganisationIndexView
    name = "organisations"
    url_prefix = "crm/organisations"
    icon = "group"
    menu_label = "Organisations"
    list_display = ["name", "organisation_type", "ward", "postcode", "establishment_status", "is_active"]
    list_filter = ["organisation_type", "phase", "establishment_status", "ward", "is_active"]
    search_fields = ["name", "postcode", "urn"]
    list_export = [
        "name",
        "organisation_type",
        "urn",
        "phase",
        "establishment_status",
        "ward",
        "address",
        "town",
        "postcode",
        "email",
        "phone",
        "website",
        "is_active",
    ]
    export_filename = "organisations"
    export_names_people = False  # general contact addresses, not people's
    # The engagement timeline (crm/timeline_admin.py): linked from each row and the edit page, team only.
    edit_view_class = OrganisationEditView

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("timeline/<int:pk>/", OrganisationTimelineView.as_view(), name="timeline"),
        ]


class ContactViewSet(ExportModelViewSet):
    """Named people at organisations: the team all of it; outreach officers view, add and change (crm.roles)."""

    model = Contact
    name = "contacts"
    url_prefix = "crm/contacts"
    icon = "user"
    menu_label = "Contacts"
    list_display = ["name", "role", "organisation", "email", "phone", "preferred_contact"]
    list_filter = ["organisation__organisation_type", "lawful_basis", "preferred_contact", "organisation__ward"]
    search_fields = ["name", "role", "email", "organisation__name"]
    list_export = [
        "name",
        "role",
        "organisation",
        "organisation__organisation_type",
        "email",
        "phone",
        "preferred_contact",
        "lawful_basis",
        "lawful_basis_note",
        "user__email",
        "notes",
    ]
    export_headings = {"organisation__organisation_type": "Organisation type", "user__email": "Account"}
    export_filename = "contacts"
    export_names_people = True  # named people: every download is in the audit log


class WardViewSet(ExportModelViewSet):
    model = Ward
    name = "wards"
    url_prefix = "crm/wards"
    icon = "site"
    menu_label = "Wards"
    form_fields = ["name"]
    list_display = ["name"]
    search_fields = ["name"]
    list_export = ["name"]
    export_names_people = False


class CrmViewSetGroup(ModelViewSetGroup):
    items = (
        OrganisationViewSet,
        OrganisationMatchingViewSet,
        ContactViewSet,
        WardViewSet,
        OutreachVisitViewSet,
        OutreachTagViewSet,
        HotspotsViewSet,
    )
    menu_label = "CRM"
    menu_icon = "group"
    menu_order = 200

    def get_submenu_items(self):
        from .import_admin import ImportMenuItem

        return [
            *super().get_submenu_items(),
            ImportMenuItem("Import organisations", reverse("crm_import", args=["schools"]), icon_name="download"),
            # Imports the apps above crm add beside it (feedback's legacy registers), without crm importing them.
            *(make_item() for make_item in hooks.get_hooks("register_crm_import_menu_item")),
        ]


@hooks.register("register_admin_urls")
def register_import_urls():
    """CRM → Import organisations (crm/import_admin.py): GIAS and spreadsheets, the team only."""
    from .import_admin import import_confirm_view, import_template_view, import_view

    return [
        path("crm/import/<slug:kind>/", import_view, name="crm_import"),
        path("crm/import/<slug:kind>/confirm/", import_confirm_view, name="crm_import_confirm"),
        path("crm/import-template/organisations.<str:fmt>", import_template_view, name="crm_import_template"),
    ]


@hooks.register("register_admin_viewset")
def register_crm_viewsets():
    return CrmViewSetGroup()


@hooks.register("register_admin_viewset")
def register_governance_registers_viewsets():
    """Governance registers (issue 13): the programme risk register and the peer-review tracker, team only."""
    from .governance.registers_admin import GovernanceRegistersViewSetGroup

    return GovernanceRegistersViewSetGroup()


@hooks.register("register_log_actions")
def register_governance_registers_log_actions(actions):
    """Risk reviews and overdue-review reminders, each with what moved."""
    from .governance.registers_services import REGISTER_ACTIONS

    register_actions(actions, REGISTER_ACTIONS)


@hooks.register("register_log_actions")
def register_export_log_action(actions):
    """Downloads that name people (registers, compliance lists, admin lists) appear in Reports → Site history."""
    actions.register_action(EXPORT_ACTION, EXPORT_ACTION_LABEL, EXPORT_ACTION_MESSAGE)


@hooks.register("register_log_actions")
def register_people_log_actions(actions):
    """Changes to people's records (profile, Member details, roles, sign-ins, deletion), each with what changed."""
    register_actions(actions, ACTIONS)


@hooks.register("register_log_actions")
def register_organisation_log_actions(actions):
    """Matching typed names and merging organisations (crm.organisations), each with what it moved."""
    register_actions(actions, ORGANISATION_ACTIONS)


@hooks.register("register_log_actions")
def register_governance_public_log_actions(actions):
    """PAG members' concerns and agenda proposals from /advisory-group/ (crm.governance.services)."""
    from .governance.services import GOVERNANCE_PUBLIC_ACTIONS

    register_actions(actions, GOVERNANCE_PUBLIC_ACTIONS)


@hooks.register("register_admin_viewset")
def register_outbox_viewset():
    """Settings → Outgoing email: the team sees emails waiting or failed (crm/outbox_admin.py)."""
    from .outbox_admin import OutboxViewSet

    return OutboxViewSet()


@hooks.register("register_admin_urls")
def register_people_history_urls():
    """Reports → People's records history (crm/audit_admin.py), team only."""
    from .audit_admin import PeopleHistoryView

    return [
        path("reports/people-history/", PeopleHistoryView.as_view(), name="crm_people_history"),
        path(
            "reports/people-history/results/",
            PeopleHistoryView.as_view(results_only=True),
            name="crm_people_history_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_people_history_menu_item():
    from .audit_admin import PeopleHistoryMenuItem

    return PeopleHistoryMenuItem(
        "People's records history",
        reverse("crm_people_history"),
        name="people-history",
        icon_name="history",
        order=1001,
    )


BULK_PERSON_DELETE_REFUSED = (
    "Delete people one at a time (Settings → Users → the person → Delete), so that you see what goes with each."
)


@hooks.register("before_bulk_action")
def refuse_bulk_person_delete(request, action_type, objects, action_class_instance):
    """People are deleted one at a time, through ``crm.services.person_delete``, which deletes their data."""
    from .models import User

    if action_type == "delete" and User in getattr(action_class_instance, "models", ()):
        messages.error(request, BULK_PERSON_DELETE_REFUSED)
        return redirect("wagtailusers_users:index")
    return None


# --- Governance (issue 13): meetings, minutes, concern themes, actions (crm/governance/admin.py) -----------


@hooks.register("register_admin_viewset")
def register_governance_viewsets():
    from .governance.admin import GovernanceViewSetGroup

    return GovernanceViewSetGroup()


@hooks.register("construct_snippet_action_menu")
def relabel_minutes_publish(menu_items, request, context):
    """On minutes, "Publish" reads "Approve minutes"."""
    from .governance.admin import approve_label

    approve_label(menu_items, request, context)


@hooks.register("register_log_actions")
def register_governance_log_actions(actions):
    """Approving minutes and updating actions (crm.governance.services)."""
    from .governance.services import GOVERNANCE_ACTIONS

    register_actions(actions, GOVERNANCE_ACTIONS)


@hooks.register("construct_homepage_panels")
def outbox_health_on_the_dashboard(request, panels):
    """The team's dashboard warns when emails are late, retrying or failed; the panel shows itself only to those
    who may see the outbox (crm.outbox_admin.OutboxHealthPanel)."""
    from .outbox_admin import OutboxHealthPanel

    panels.append(OutboxHealthPanel())
