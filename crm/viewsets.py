"""Wagtail's Users admin, extended with the profile and elected-Member fields.

Only the Prevent team (``crm.change_user``) reaches these screens. The form
checks Member details with the model's own rule (``User.clean``), and saving
goes through ``crm.services.member_details_update``, the one writer of those
details, which also gives the *Elected Member* role.
"""

from django.db import transaction
from django.utils.functional import cached_property
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users as wagtail_users

from .models import User
from .services import (
    account_changes_record,
    account_snapshot,
    member_details_update,
    person_delete,
    person_delete_preview,
)

EXTRA_FIELDS = ("organisation_name", "organisation", "organisation_type", "job_role", *User.MEMBER_FIELDS)


class PortalUserEditForm(UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | set(EXTRA_FIELDS)


class PortalUserCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | set(EXTRA_FIELDS)


class MemberDetailsSaveMixin:
    """Save the account, then the Member details through their service, in one transaction.

    What changed is audited: the account and roles by ``account_changes_record`` (against the
    stored row, read before the save), the Member details by ``member_details_update``, so the
    form itself saves the Member details as they were and leaves the change to that service.
    """

    def save_instance(self):
        with transaction.atomic():
            stored = User.objects.filter(pk=self.form.instance.pk).first() if self.form.instance.pk else None
            before = account_snapshot(stored) if stored is not None else {}
            for name in User.MEMBER_FIELDS:
                setattr(
                    self.form.instance,
                    name,
                    getattr(stored, name) if stored else User._meta.get_field(name).get_default(),
                )
            instance = super().save_instance()
            account_changes_record(
                actor=self.request.user,
                user=instance,
                before=before,
                password_changed=bool(self.form.cleaned_data.get("password1")),
            )
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


class PersonDeleteView(wagtail_users.DeleteView):
    """Deleting a person deletes their data (``crm.services.person_delete``); the page lists what goes first."""

    @cached_property
    def person_data(self):
        return person_delete_preview(user=self.object)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, person_data=self.person_data)

    def delete_action(self):
        person_delete(actor=self.request.user, user=self.object)


class PortalUserViewSet(wagtail_users.UserViewSet):
    add_view_class = UserCreateView
    edit_view_class = UserEditView
    delete_view_class = PersonDeleteView
    delete_template_name = "crm/person_confirm_delete.html"

    def get_form_class(self, for_update=False):
        return PortalUserEditForm if for_update else PortalUserCreationForm
