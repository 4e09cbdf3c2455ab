"""Wagtail's Users admin, extended with the profile and elected-Member fields.

Only people with ``auth.change_user`` (the Prevent team admin) reach these
forms, which is what keeps the Member fields out of everyone else's hands.
"""
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet

from .models import User

EXTRA_FIELDS = ("organisation", "organisation_type", "job_role", *User.MEMBER_FIELDS)


class MemberFieldsMixin:
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_cabinet_member") and cleaned.get("member_side") != "administration":
            self.add_error("is_cabinet_member", "Cabinet Members sit in the Administration: set that first.")
        return cleaned


class PortalUserEditForm(MemberFieldsMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | set(EXTRA_FIELDS)


class PortalUserCreationForm(MemberFieldsMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | set(EXTRA_FIELDS)


class PortalUserViewSet(UserViewSet):
    def get_form_class(self, for_update=False):
        return PortalUserEditForm if for_update else PortalUserCreationForm
