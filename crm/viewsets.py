"""Wagtail's Users admin, extended with the profile and elected-Member fields.

Only the Prevent team (``crm.change_user``) reaches these screens. The form
checks Member details with the model's own rule (``User.clean``), and saving
goes through ``crm.services.member_details_update``, the one writer of those
details, which also gives the *Elected Member* role.
"""

from django.db import transaction
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users as wagtail_users

from .models import User
from .services import member_details_update

EXTRA_FIELDS = ("organisation_name", "organisation", "organisation_type", "job_role", *User.MEMBER_FIELDS)


class PortalUserEditForm(UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | set(EXTRA_FIELDS)


class PortalUserCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | set(EXTRA_FIELDS)


class MemberDetailsSaveMixin:
    """Save the account, then the Member details through their service, in one transaction."""

    def save_instance(self):
        with transaction.atomic():
            instance = super().save_instance()
            details = {name: self.form.cleaned_data.get(name) for name in User.MEMBER_FIELDS}
            member_details_update(
                actor=self.request.user,
                user=instance,
                political_group=details["political_group"] or "",
                member_side=details["member_side"] or "",
                is_cabinet_member=bool(details["is_cabinet_member"]),
            )
        return instance


class UserCreateView(MemberDetailsSaveMixin, wagtail_users.CreateView):
    pass


class UserEditView(MemberDetailsSaveMixin, wagtail_users.EditView):
    pass


class PortalUserViewSet(wagtail_users.UserViewSet):
    add_view_class = UserCreateView
    edit_view_class = UserEditView

    def get_form_class(self, for_update=False):
        return PortalUserEditForm if for_update else PortalUserCreationForm
