"""Faith Forum → Applications and Memberships (the team only).

Applications come from the public form: the team reads one (with possible matches in the register for a
typed new organisation) and approves or declines it; nobody adds, edits or copies one here. Memberships
are edited here, but leaving and representatives go through their services (``Mark as left``,
``Representatives``): a plain delete or status change would leave representatives holding the role.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse, reverse_lazy
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from crm.admin_access import PolicyWithout, TeamMenuItem, TeamOnlyMixin
from crm.audit import register_actions
from crm.models import Organisation, User
from crm.selectors import organisation_suggestions

from .models import (
    ApplicationStatus,
    DirectoryConsents,
    ForumApplication,
    ForumMembership,
    ForumRepresentative,
    MembershipStatus,
)
from .services import (
    MEMBERSHIP_ACTIONS,
    MembershipError,
    application_approve,
    application_decline,
    membership_leave,
    representative_add,
    representative_remove,
)

APPROVED = "Approved: {organisation} is a member and {email} represents it. They have been emailed."
DECLINED = "Declined: {email} has been emailed the reason."
LEFT = "{organisation} has left the Faith Forum; its representatives no longer have forum access."
REP_ADDED = "{person} now represents {organisation}."
REP_REMOVED = "{person} no longer represents {organisation}."
NO_ACCOUNT = "No account has this email address. Ask them to apply on the forum page instead."
LIKELY_MATCH = 0.8


# Applications come from the public form; the team decides them (the edit screen) and may delete spam.
register_permission_policy(ForumApplication, PolicyWithout(ForumApplication, without=("add",)))
# A membership ends through "Mark as left" (its representatives lose the role), never a delete.
register_permission_policy(ForumMembership, PolicyWithout(ForumMembership, without=("delete",)))


# --- Applications --------------------------------------------------------------------------------


class ApproveForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        required=False,
        label="Organisation in the register",
        empty_label="Add it to the register as a new faith organisation",
        help_text="The application names an organisation not in the register: choose the one it is, "
        "or leave this to add it as typed.",
    )
    note = forms.CharField(
        label="Note to the applicant (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Included in the welcome email.",
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why it is declined",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Emailed to the applicant. Required.",
    )


class ApplicationDecideView(TeamOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """Everything submitted, possible matches for a typed organisation, and Approve / Decline."""

    template_name = "faith_forum/admin/application_decide.html"
    header_icon = "form"

    @cached_property
    def application(self) -> ForumApplication:
        return get_object_or_404(
            ForumApplication.objects.select_related("organisation", "applicant", "decided_by", "membership"),
            pk=self.kwargs["pk"],
        )

    def get_page_title(self):
        return f"Application: {self.application.organisation_name}"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("forum_applications:index"), "label": "Faith Forum applications"},
            {"url": "", "label": self.application.organisation_name},
        ]

    def suggestions(self):
        application = self.application
        if application.organisation_id or not application.new_organisation_name:
            return []
        return organisation_suggestions(
            application.new_organisation_name, organisations=list(Organisation.objects.filter(is_active=True))
        )

    def get_context_data(self, **kwargs):
        application = self.application
        suggestions = self.suggestions()
        approve_form = kwargs.pop("approve_form", None)
        decline_form = kwargs.pop("decline_form", None)
        if approve_form is None:
            likely = suggestions[0].organisation if suggestions and suggestions[0].score >= LIKELY_MATCH else None
            approve_form = ApproveForm(initial={"organisation": likely})
        if application.organisation_id:
            approve_form.fields["organisation"].widget = forms.HiddenInput()
        consents = [
            (DirectoryConsents._meta.get_field(name).verbose_name, getattr(application, name))
            for name in DirectoryConsents.CONSENT_FIELDS
        ]
        return super().get_context_data(
            **kwargs,
            application=application,
            suggestions=suggestions,
            consents=consents,
            approve_form=approve_form,
            decline_form=decline_form or DeclineForm(),
            delete_url=reverse("forum_applications:delete", args=[application.pk]),
        )

    def post(self, request, *args, **kwargs):
        application = self.application
        action = request.POST.get("action")
        try:
            if action == "approve":
                form = ApproveForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(approve_form=form))
                organisation = form.cleaned_data["organisation"]
                application = application_approve(
                    application=application,
                    by=request.user,
                    organisation=organisation,
                    create_organisation=not application.organisation_id and organisation is None,
                    note=form.cleaned_data["note"],
                )
                messages.success(
                    request,
                    APPROVED.format(organisation=application.membership.organisation.name, email=application.email),
                )
            elif action == "decline":
                form = DeclineForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(decline_form=form))
                application_decline(application=application, by=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, DECLINED.format(email=application.email))
            else:
                return redirect(request.path)
        except MembershipError as error:
            messages.error(request, error.message)
            return redirect(request.path)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(request.path)
        return redirect("forum_applications:index")


class ApplicationIndexView(generic.IndexView):
    def get_base_queryset(self):
        # Waiting ones first, the oldest of them first; then decided ones, newest first.
        return (
            super()
            .get_base_queryset()
            .select_related("organisation")
            .annotate(
                waiting=Case(
                    When(status=ApplicationStatus.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
                )
            )
        )

    def order_queryset(self, queryset):
        if self.ordering and self.ordering != self.default_ordering:
            return super().order_queryset(queryset)
        return queryset.order_by("waiting", "-created_at", "-pk")


class ApplicationViewSet(ModelViewSet):
    model = ForumApplication
    name = "forum_applications"
    url_prefix = "faith-forum/applications"
    icon = "form"
    menu_label = "Applications"
    add_to_admin_menu = False
    copy_view_enabled = False
    index_view_class = ApplicationIndexView
    # The model's names are the applicant's form's ("your name"); the team's list says whose.
    list_display = [
        "organisation_name",
        "faith",
        Column("full_name", label="Applicant", sort_key="full_name"),
        Column("email", label="Email", sort_key="email"),
        "status",
        Column("created_at", label="Received", sort_key="created_at"),
    ]
    list_filter = ["status", "faith"]
    search_fields = ["full_name", "email", "new_organisation_name", "organisation__name"]
    form_fields = ["reason"]  # never used: the edit screen is the decision

    @property
    def edit_view(self):
        return ApplicationDecideView.as_view()


# --- Memberships ----------------------------------------------------------------------------------


class MembershipIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("organisation").annotate(reps=Count("representatives"))

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        buttons.append(
            MenuItem(
                "Representatives",
                url=reverse("forum_memberships:representatives", args=[instance.pk]),
                icon_name="group",
                priority=20,
            )
        )
        if instance.status != MembershipStatus.LEFT:
            buttons.append(
                MenuItem(
                    "Mark as left",
                    url=reverse("forum_memberships:leave", args=[instance.pk]),
                    icon_name="logout",
                    priority=21,
                )
            )
        return buttons


def _membership_breadcrumbs(items, membership, title):
    """Home > Forum memberships > the organisation's membership > this screen, as on the decide screen."""
    return items + [
        {"url": reverse("forum_memberships:index"), "label": "Forum memberships"},
        {"url": reverse("forum_memberships:edit", args=[membership.pk]), "label": membership.organisation.name},
        {"url": "", "label": title.split(":")[0]},
    ]


class MembershipLeaveView(TeamOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """Confirm, then ``membership_leave``."""

    template_name = "faith_forum/admin/membership_leave.html"
    header_icon = "logout"

    @cached_property
    def membership(self) -> ForumMembership:
        return get_object_or_404(ForumMembership.objects.select_related("organisation"), pk=self.kwargs["pk"])

    def get_page_title(self):
        return f"Mark as left: {self.membership.organisation.name}"

    def get_breadcrumbs_items(self):
        return _membership_breadcrumbs(self.breadcrumbs_items, self.membership, self.get_page_title())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            membership=self.membership,
            representatives=self.membership.representatives.select_related("user"),
        )

    def post(self, request, *args, **kwargs):
        try:
            membership = membership_leave(membership=self.membership, by=request.user)
        except MembershipError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, LEFT.format(organisation=membership.organisation.name))
        return redirect("forum_memberships:index")


class RepresentativeAddForm(forms.Form):
    email = forms.EmailField(label="Their account's email address")
    role = forms.CharField(label="Their role at the organisation", max_length=200, required=False)

    def clean_email(self):
        email = self.cleaned_data["email"]
        account = User.objects.filter(email__iexact=email.strip()).first()
        if account is None:
            raise ValidationError(NO_ACCOUNT)
        self.cleaned_data["account"] = account
        return email


class RepresentativesView(TeamOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """The membership's representatives: add one (an existing account) or remove one."""

    template_name = "faith_forum/admin/representatives.html"
    header_icon = "group"

    @cached_property
    def membership(self) -> ForumMembership:
        return get_object_or_404(ForumMembership.objects.select_related("organisation"), pk=self.kwargs["pk"])

    def get_page_title(self):
        return f"Representatives: {self.membership.organisation.name}"

    def get_breadcrumbs_items(self):
        return _membership_breadcrumbs(self.breadcrumbs_items, self.membership, self.get_page_title())

    def get_context_data(self, **kwargs):
        form = kwargs.pop("form", None) or RepresentativeAddForm()
        return super().get_context_data(
            **kwargs,
            membership=self.membership,
            representatives=self.membership.representatives.select_related("user"),
            form=form,
        )

    def post(self, request, *args, **kwargs):
        membership = self.membership
        try:
            if request.POST.get("remove"):
                representative = get_object_or_404(
                    ForumRepresentative.objects.select_related("user"), pk=request.POST["remove"], membership=membership
                )
                representative_remove(representative=representative, by=request.user)
                messages.success(
                    request, REP_REMOVED.format(person=representative.user, organisation=membership.organisation.name)
                )
            else:
                form = RepresentativeAddForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(form=form))
                account = form.cleaned_data["account"]
                representative_add(membership=membership, user=account, role=form.cleaned_data["role"], by=request.user)
                messages.success(request, REP_ADDED.format(person=account, organisation=membership.organisation.name))
        except MembershipError as error:
            messages.error(request, error.message)
        return redirect(request.path)


class MembershipViewSet(ModelViewSet):
    model = ForumMembership
    name = "forum_memberships"
    url_prefix = "faith-forum/memberships"
    icon = "group"
    menu_label = "Memberships"
    add_to_admin_menu = False
    copy_view_enabled = False
    index_view_class = MembershipIndexView
    list_display = [
        "organisation",
        "faith",
        "status",
        Column("reps", label="Representatives", sort_key="reps"),
        "joined_on",
    ]
    list_filter = ["status", "faith"]
    search_fields = ["organisation__name"]
    ordering = ["organisation__name"]
    # Status, lapsing and leaving have their own rules (Mark as left; the daily lapse run): shown, not edited.
    panels = [
        FieldPanel("organisation"),
        FieldRowPanel([FieldPanel("faith"), FieldPanel("joined_on")]),
        FieldRowPanel(
            [
                FieldPanel("status", read_only=True),
                FieldPanel("lapsed_on", read_only=True),
                FieldPanel("left_on", read_only=True),
            ]
        ),
        MultiFieldPanel([FieldPanel(name) for name in DirectoryConsents.CONSENT_FIELDS], heading="Member directory"),
        FieldPanel("notes"),
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("leave/<int:pk>/", MembershipLeaveView.as_view(), name="leave"),
            path("representatives/<int:pk>/", RepresentativesView.as_view(), name="representatives"),
        ]


# --- Menu items (faith_forum.wagtail_hooks puts them in the Faith Forum group) ---------------------

applications_viewset = ApplicationViewSet()
memberships_viewset = MembershipViewSet()

MEMBERSHIP_MENU_ITEMS = [
    TeamMenuItem("Applications", reverse_lazy("forum_applications:index"), icon_name="form", order=100),
    TeamMenuItem("Memberships", reverse_lazy("forum_memberships:index"), icon_name="group", order=200),
]


@hooks.register("register_admin_viewset")
def register_applications_viewset():
    return applications_viewset


@hooks.register("register_admin_viewset")
def register_memberships_viewset():
    return memberships_viewset


@hooks.register("register_log_actions")
def register_membership_log_actions(actions):
    """Applications, decisions, joining, leaving, lapsing and representatives (faith_forum.services.membership)."""
    register_actions(actions, MEMBERSHIP_ACTIONS)
