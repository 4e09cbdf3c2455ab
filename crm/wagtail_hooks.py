from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail import hooks

from .models import Organisation, Ward


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    name = "organisations"
    url_prefix = "crm/organisations"
    icon = "group"
    menu_label = "Organisations"
    list_display = ["name", "organisation_type", "ward", "postcode", "is_active"]
    list_filter = ["organisation_type", "ward", "is_active"]
    search_fields = ["name", "postcode", "urn"]
    list_export = ["name", "organisation_type", "urn", "ward", "address", "postcode", "email", "phone", "website", "is_active"]
    export_filename = "organisations"


class WardViewSet(ModelViewSet):
    model = Ward
    name = "wards"
    url_prefix = "crm/wards"
    icon = "site"
    menu_label = "Wards"
    form_fields = ["name"]
    list_display = ["name"]
    search_fields = ["name"]
    list_export = ["name"]


class CrmViewSetGroup(ModelViewSetGroup):
    items = (OrganisationViewSet, WardViewSet)
    menu_label = "CRM"
    menu_icon = "group"
    menu_order = 200


@hooks.register("register_admin_viewset")
def register_crm_viewsets():
    return CrmViewSetGroup()
