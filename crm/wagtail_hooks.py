from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSetGroup

from .exports import EXPORT_ACTION, EXPORT_ACTION_LABEL, EXPORT_ACTION_MESSAGE, ExportModelViewSet
from .models import Organisation, Ward


class OrganisationViewSet(ExportModelViewSet):
    model = Organisation
    name = "organisations"
    url_prefix = "crm/organisations"
    icon = "group"
    menu_label = "Organisations"
    list_display = ["name", "organisation_type", "ward", "postcode", "is_active"]
    list_filter = ["organisation_type", "ward", "is_active"]
    search_fields = ["name", "postcode", "urn"]
    list_export = [
        "name",
        "organisation_type",
        "urn",
        "ward",
        "address",
        "postcode",
        "email",
        "phone",
        "website",
        "is_active",
    ]
    export_filename = "organisations"
    export_names_people = False  # general contact addresses, not people's


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
    items = (OrganisationViewSet, WardViewSet)
    menu_label = "CRM"
    menu_icon = "group"
    menu_order = 200


@hooks.register("register_admin_viewset")
def register_crm_viewsets():
    return CrmViewSetGroup()


@hooks.register("register_log_actions")
def register_export_log_action(actions):
    """Downloads that name people (registers, compliance lists, admin lists) appear in Reports → Site history."""
    actions.register_action(EXPORT_ACTION, EXPORT_ACTION_LABEL, EXPORT_ACTION_MESSAGE)


@hooks.register("register_admin_viewset")
def register_outbox_viewset():
    """Settings → Outgoing email: the team sees emails waiting or failed (crm/outbox_admin.py)."""
    from .outbox_admin import OutboxViewSet

    return OutboxViewSet()
