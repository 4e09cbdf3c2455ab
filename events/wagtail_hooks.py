"""The team's admin screens for sessions, bookings and attendance."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import log
from wagtail.permissions import register_permission_policy

from crm.admin_access import PolicyWithout
from crm.audit import register_actions
from crm.exports import ExportIndexView, ExportModelViewSet

from . import audit
from .admin_coverage import SchoolsCoverageViewSet
from .admin_forms import BookingCreateForm, BookingEditForm, CertificateReviewForm, SessionRunForm
from .admin_reports import ComplianceViewSet
from .errors import BookingError
from .models import (
    Attendance,
    Booking,
    BookingStatus,
    CertificateStatus,
    ColleagueInvitation,
    ExternalCertificate,
    TrainingRequirement,
    TrainingSession,
)
from .services import (
    SessionRun,
    booking_cancel,
    booking_create,
    external_certificate_review,
    session_delete,
    session_run_create,
    session_save,
)

# Deleting a booking would skip booking_cancel: no place freed, nobody promoted or emailed.
register_permission_policy(Booking, PolicyWithout(Booking, without=("delete",)))
# Invitations are sent, answered and withdrawn through their services (which hold and free places): the team looks.
register_permission_policy(ColleagueInvitation, PolicyWithout(ColleagueInvitation, without=("add", "change", "delete")))
# People send certificates in from My training; the team only reviews them.
register_permission_policy(ExternalCertificate, PolicyWithout(ExternalCertificate, without=("add", "delete")))


class SessionIndexView(ExportIndexView):
    def get_base_queryset(self):
        # Attendance is what counts: each session shows how many were marked present (marks taken back: history).
        present = (
            Attendance.objects.filter(session=OuterRef("pk"), undone_at__isnull=True)
            .order_by()
            .values("session")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super()
            .get_base_queryset()
            # The course column: one join, not a page query per row (issue 15).
            .select_related("course")
            # Counted for the page's rows only (a subquery per row shown), not by grouping every session's
            # attendances before the page is cut: at national scale that was seconds (issue 15).
            .annotate(present=Coalesce(Subquery(present), 0))
        )

    def get_list_more_buttons(self, instance):
        """Each session's door and register pages, beside Edit."""
        buttons = list(super().get_list_more_buttons(instance))
        for label, name, icon, priority in (
            ("Check-in desk", "events:desk", "tick", 20),
            ("Check-in poster", "events:session_poster", "doc-full", 21),
            ("Register", "events:register", "list-ul", 22),
        ):
            buttons.append(MenuItem(label, url=reverse(name, args=[instance.pk]), icon_name=icon, priority=priority))
        return buttons

    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.has_perm("events.add_trainingsession"):
            buttons.append(HeaderButton("Schedule a run", url=reverse("events_session_run"), icon_name="date"))
        return buttons


class EveryWordSearchMixin:
    """The listing's search: every word typed must be found, each in one of the fields, ignoring case.

    So "Eve Ahmed" finds Eve Ahmed (first and last name are two fields), and a course's title, or a
    name with a word of the title, finds its rows. A word is looked for anywhere in ``search_fields``
    and at the start of a word of ``word_start_fields`` (course titles), or "eve" would find every
    booking on a *Prevent* course. Wagtail's own search of a model that is not indexed looks for the
    whole text in one field, and found neither.
    """

    word_start_fields: tuple[str, ...] = ()

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        for word in self.search_query.split():
            matches = Q()
            for field in self.search_fields or []:
                matches |= Q(**{f"{field}__icontains": word})
            for field in self.word_start_fields:
                matches |= Q(**{f"{field}__istartswith": word})
                for before in (" ", "(", "-"):
                    matches |= Q(**{f"{field}__icontains": before + word})
            queryset = queryset.filter(matches)
        return queryset


class BookingIndexView(EveryWordSearchMixin, ExportIndexView):
    word_start_fields = ("session__course__title",)


class AttendanceIndexView(EveryWordSearchMixin, ExportIndexView):
    word_start_fields = ("session__course__title",)


class SessionSaveMixin:
    """Sessions are saved through ``session_save`` so changes reach the people booked."""

    log_action = "wagtail.edit"

    def save_instance(self):
        session = session_save(session=self.form.instance, by=self.request.user)
        if "trainers" in self.form.cleaned_data:
            session.trainers.set(self.form.cleaned_data["trainers"])
        log(session, self.log_action, user=self.request.user)
        return session


class SessionCreateView(SessionSaveMixin, generic.CreateView):
    log_action = "wagtail.create"


class SessionEditView(SessionSaveMixin, generic.EditView):
    pass


class SessionDeleteView(generic.DeleteView):
    """Deleting a session goes through ``session_delete``, which logs the bookings and attendance that go with it."""

    def delete_action(self):
        session_delete(session=self.object, by=self.request.user)


class BookingErrorsAsFormErrorsMixin:
    """A refused booking rule shows on the form, with nothing saved."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except BookingError as error:
            form.add_error(None, error.message)
            self.produced_error_message = error.message
            return self.form_invalid(form)


class TrainingSessionViewSet(ExportModelViewSet):
    model = TrainingSession
    name = "sessions"
    url_prefix = "training/sessions"
    icon = "date"
    menu_label = "Sessions"
    index_view_class = SessionIndexView
    add_view_class = SessionCreateView
    edit_view_class = SessionEditView
    delete_view_class = SessionDeleteView
    list_display = [
        "course",
        "starts_at",
        "venue",
        "capacity",
        "places_taken",
        Column("present", label="Present", sort_key="present"),
        "visibility",
        "status",
    ]
    list_filter = ["course", "status", "visibility", "starts_at", "organisation"]
    search_fields = ["venue", "course__title", "audience_note"]
    list_export = [
        "course",
        "starts_at",
        "ends_at",
        "venue",
        "online_url",
        "capacity",
        "places_taken",
        "visibility",
        "organisation",
        "status",
        "booking_deadline",
    ]
    export_filename = "training-sessions"
    export_names_people = False
    ordering = ["-starts_at"]
    copy_view_enabled = True


class BookingCreateView(BookingErrorsAsFormErrorsMixin, generic.CreateView):
    def save_instance(self):
        return booking_create(
            session=self.form.cleaned_data["session"],
            user=self.form.cleaned_data["user"],
            booked_by=self.request.user,
            join_waiting_list=self.form.cleaned_data["join_waiting_list"],
        )


class BookingEditView(BookingErrorsAsFormErrorsMixin, generic.EditView):
    def save_instance(self):
        booking = Booking.objects.get(pk=self.object.pk)
        if self.form.cleaned_data["status"] == BookingStatus.CANCELLED and booking.status != BookingStatus.CANCELLED:
            booking = booking_cancel(booking=booking, by=self.request.user)
            log(booking, "wagtail.edit", user=self.request.user, title=f"Cancelled: {booking}")
        return booking


class BookingViewSet(ExportModelViewSet):
    model = Booking
    name = "bookings"
    url_prefix = "training/bookings"
    icon = "tick-inverse"
    menu_label = "Bookings"
    index_view_class = BookingIndexView
    add_view_class = BookingCreateView
    edit_view_class = BookingEditView
    inspect_view_enabled = True
    list_display = ["user", "session", "status", "created_at", "booked_by"]
    list_filter = ["status", "session__course", "session"]
    search_fields = ["user__first_name", "user__last_name", "user__email"]  # and the course: BookingIndexView
    list_export = [
        "user__first_name",
        "user__last_name",
        "user__email",
        "user__organisation_name",
        "session",
        "status",
        "created_at",
        "cancelled_at",
    ]
    export_filename = "bookings"
    export_names_people = True
    export_select_related = ["session__course"]
    ordering = ["-created_at"]

    def get_form_class(self, for_update=False):
        return BookingEditForm if for_update else BookingCreateForm


class AttendanceViewSet(ExportModelViewSet):
    model = Attendance
    name = "attendance"
    url_prefix = "training/attendance"
    icon = "user"
    menu_label = "Attendance"
    index_view_class = AttendanceIndexView
    form_fields = [
        "session",
        "user",
        "full_name",
        "email",
        "organisation_name",
        "organisation",
        "organisation_type",
        "job_role",
        "method",
    ]
    list_display = ["display_name", "session", "method", "checked_in_at"]
    list_filter = ["method", "session__course", "session"]
    search_fields = ["full_name", "email", "user__first_name", "user__last_name", "user__email"]  # + the course
    list_export = [
        "display_name",
        "email",
        "organisation_name",
        "organisation_type",
        "job_role",
        "session",
        "method",
        "checked_in_at",
        "certificate_code",
    ]
    export_headings = {"display_name": "Name"}
    export_filename = "attendance"
    export_names_people = True
    export_select_related = ["session__course", "user"]  # display_name reads the account
    ordering = ["-checked_in_at"]


class TrainingRequirementViewSet(ExportModelViewSet):
    model = TrainingRequirement
    name = "requirements"
    url_prefix = "training/requirements"
    icon = "tasks"
    menu_label = "Requirements"
    list_display = ["name", "valid_for_months", "renewal_window_days", "external_certificate_name", "active"]
    list_filter = ["active"]
    search_fields = ["name"]
    export_names_people = False


class CertificateReviewView(generic.EditView):
    """Approve or refuse a certificate someone sent in; saved through ``external_certificate_review``."""

    def save_instance(self):
        data = self.form.cleaned_data
        certificate = external_certificate_review(
            certificate=self.object,
            by=self.request.user,
            approve=data["decision"] == CertificateStatus.APPROVED,
            note=data["review_note"],
        )
        log(
            certificate,
            "wagtail.edit",
            user=self.request.user,
            title=f"{certificate.get_status_display()}: {certificate}",
        )
        return certificate

    def form_valid(self, form):
        from django.core.exceptions import ValidationError

        try:
            return super().form_valid(form)
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
            self.produced_error_message = " ".join(form.non_field_errors()) or "The certificate could not be saved."
            return self.form_invalid(form)


class ExternalCertificateViewSet(ExportModelViewSet):
    model = ExternalCertificate
    name = "certificates"
    url_prefix = "training/certificates"
    icon = "doc-full"
    menu_label = "External certificates"
    add_to_admin_menu = False
    edit_view_class = CertificateReviewView
    inspect_view_enabled = True
    list_display = ["user", "requirement", "title", "completed_on", "status", "uploaded_at", "file_link"]
    inspect_view_fields = [
        "user",
        "requirement",
        "title",
        "completed_on",
        "file_link",
        "status",
        "uploaded_at",
        "reviewed_by",
        "reviewed_at",
        "review_note",
    ]
    list_filter = ["status", "requirement"]
    search_fields = ["user__first_name", "user__last_name", "user__email", "title"]
    list_export = [
        "user",
        "user__email",
        "requirement",
        "title",
        "completed_on",
        "status",
        "uploaded_at",
        "reviewed_at",
    ]
    export_headings = {"user": "Name"}
    export_filename = "external-certificates"
    export_names_people = True
    ordering = ["status", "-uploaded_at"]

    def get_form_class(self, for_update=False):
        return CertificateReviewForm


class InvitationViewSet(ExportModelViewSet):
    """Colleague invitations, to look at: who invited which address, held places, answers. Names an address."""

    model = ColleagueInvitation
    name = "invitations"
    url_prefix = "training/invitations"
    icon = "mail"
    menu_label = "Colleague invitations"
    inspect_view_enabled = True
    list_display = ["email", "session", "invited_by", "status", "holds_place", "created_at", "expires_at"]
    list_filter = ["status", "holds_place", "session__course"]
    search_fields = ["email", "invited_by__email", "invited_by__first_name", "invited_by__last_name"]
    list_export = ["email", "session", "invited_by", "status", "holds_place", "created_at", "expires_at", "answered_at"]
    export_filename = "colleague-invitations"
    export_names_people = True
    ordering = ["-created_at"]
    form_fields = ["status"]  # never reachable: the policy allows no add or change


class TrainingViewSetGroup(ModelViewSetGroup):
    items = (
        TrainingSessionViewSet,
        BookingViewSet,
        InvitationViewSet,
        AttendanceViewSet,
        TrainingRequirementViewSet,
        ExternalCertificateViewSet,
        ComplianceViewSet,
        SchoolsCoverageViewSet,
    )
    menu_label = "Training"
    menu_icon = "date"
    menu_order = 150


@hooks.register("register_admin_viewset")
def register_training_viewsets():
    return TrainingViewSetGroup()


def session_run_view(request):
    """Schedule a run of sessions (e.g. the first Tuesday of each month for six months) in one go."""
    if not request.user.has_perm("events.add_trainingsession"):
        raise PermissionDenied
    form = SessionRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        run = SessionRun(
            course=data["course"],
            first_date=data["first_date"],
            count=data["count"],
            start_time=data["start_time"],
            end_time=data["end_time"],
            venue=data["venue"],
            address=data["address"],
            online_url=data["online_url"],
            capacity=data["capacity"],
            repeat=data["repeat"],
            deadline_days_before=data["deadline_days_before"],
            trainers=tuple(data["trainers"]),
        )
        try:
            sessions = session_run_create(run=run, by=request.user)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            for session in sessions:
                log(session, "wagtail.create", user=request.user)
            messages.success(request, f"Scheduled {len(sessions)} sessions of {data['course'].title}.")
            return redirect("sessions:index")
    return TemplateResponse(request, "events/admin/session_run.html", {"form": form, "page_title": "Schedule a run"})


@hooks.register("register_admin_urls")
def register_session_run_url():
    return [path("training/sessions/run/", session_run_view, name="events_session_run")]


@hooks.register("register_log_actions")
def register_training_log_actions(actions):
    """Bookings, check-ins, registers and deleted sessions in the audit log, each with what changed."""
    register_actions(actions, audit.ACTIONS)
