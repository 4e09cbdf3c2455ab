from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageViewRestriction
from wagtail.search import index

from .blocks import ContentBlock


class OrganisationType(models.TextChoices):
    COUNCIL = "council", "Council"
    SCHOOL = "school", "School or college"
    STATUTORY = "statutory", "Other statutory partner"
    VOLUNTARY = "voluntary", "Voluntary or community organisation"
    FAITH = "faith", "Faith organisation"
    ELECTED_MEMBER = "member", "Elected Member"


class MemberSide(models.TextChoices):
    ADMINISTRATION = "administration", "Administration"
    OPPOSITION = "opposition", "Opposition"


class User(AbstractUser):
    """A person who signs in: staff booking training, Members, forum members, the team.

    Email is the sign-in. The elected-Member fields are set by the Prevent team
    only (see ``portal.services.member_details_update``), never by the person.
    """

    email = models.EmailField("email address", unique=True)
    organisation = models.CharField(max_length=200, blank=True)
    organisation_type = models.CharField(max_length=20, choices=OrganisationType.choices, blank=True)
    job_role = models.CharField(max_length=200, blank=True)

    # Set by the Prevent team only.
    political_group = models.CharField(max_length=100, blank=True, help_text="e.g. Labour, Conservative")
    member_side = models.CharField(
        "Administration or Opposition", max_length=20, choices=MemberSide.choices, blank=True
    )
    is_cabinet_member = models.BooleanField("Cabinet Member", default=False)

    MEMBER_FIELDS = ("political_group", "member_side", "is_cabinet_member")

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_cabinet_member=False) | models.Q(member_side="administration"),
                name="cabinet_members_are_administration",
                violation_error_message="Cabinet Members sit in the Administration.",
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.email


class HomePage(Page):
    """The portal's front page; training and forum pages sit beneath it."""

    introduction = models.TextField(blank=True, help_text="One or two sentences under the heading.")
    body = StreamField(ContentBlock(), blank=True, use_json_field=True)

    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldPanel("body")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["portal.StandardPage", "portal.TrainingIndexPage"]
    template = "portal/home_page.html"


class StandardPage(Page):
    """A general content page: about the team, privacy notice, member areas."""

    introduction = models.TextField(blank=True)
    body = StreamField(ContentBlock(), blank=True, use_json_field=True)

    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldPanel("body")]
    subpage_types = ["portal.StandardPage"]
    template = "portal/standard_page.html"


@register_setting(icon="mail")
class TeamContactSettings(BaseSiteSetting):
    """The Prevent team's contact details, shown in every page footer."""

    team_name = models.CharField(max_length=120, default="Prevent team")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    office_hours = models.CharField(max_length=120, blank=True)
    privacy_notice = RichTextField(blank=True, features=["bold", "italic", "link"])

    panels = [
        MultiFieldPanel([FieldPanel("team_name"), FieldPanel("email"), FieldPanel("phone")], heading="Contact"),
        FieldPanel("address"),
        FieldPanel("office_hours"),
        FieldPanel("privacy_notice"),
    ]

    class Meta:
        verbose_name = "team contact details"


class ReportingCategory(models.TextChoices):
    """Which line of the team's figures a course's attendance counts towards."""

    WRAP = "wrap", "WRAP"
    EDUCATION = "education", "Education briefing"
    MEMBER = "member", "Elected Member training"
    OTHER = "other", "Other training"


class TrainingIndexPage(Page):
    """Lists the courses people can book."""

    introduction = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.CoursePage"]
    max_count = 1
    template = "portal/training_index_page.html"

    def get_context(self, request, *args, **kwargs):
        from events.selectors import course_listing

        context = super().get_context(request, *args, **kwargs)
        context["courses"] = course_listing(parent=self, user=request.user)
        return context


class CoursePage(RoutablePageMixin, Page):
    """A course - WRAP, Member training, a school briefing - with its content, lessons and sessions."""

    summary = models.TextField(help_text="One or two sentences shown in course lists.")
    audience = models.CharField(max_length=200, help_text="Who the course is for, e.g. Frontline council staff.")
    duration = models.CharField(max_length=60, help_text="e.g. 2 hours")
    reporting_category = models.CharField(
        max_length=20,
        choices=ReportingCategory.choices,
        default=ReportingCategory.OTHER,
        help_text="The figure attendance counts towards in the team's reports.",
    )
    body = StreamField(ContentBlock(), blank=True, use_json_field=True)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("audience"), FieldPanel("duration")]),
        FieldPanel("reporting_category"),
        FieldPanel("body"),
        InlinePanel("lessons", heading="Lessons", label="Lesson", help_text="Pre-reading or refresher material."),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["portal.TrainingIndexPage"]
    subpage_types = []
    template = "portal/course_page.html"

    def get_context(self, request, *args, **kwargs):
        from events.selectors import course_sessions_for_listing, lesson_progress_for

        context = super().get_context(request, *args, **kwargs)
        context["sessions"] = course_sessions_for_listing(course=self, user=request.user)
        context["lessons"] = list(self.lessons.all())
        context["progress"] = lesson_progress_for(user=request.user, course=self)
        return context

    def eligible_group_names(self) -> set[str] | None:
        """Group names a view restriction limits booking to, or None when anyone may book."""
        names: set[str] = set()
        for restriction in self.get_view_restrictions():
            if restriction.restriction_type == PageViewRestriction.GROUPS:
                names.update(restriction.groups.values_list("name", flat=True))
        return names or None

    def is_open_to(self, user) -> bool:
        """Whether ``user`` may book this course: anyone, unless a view restriction limits it to some groups.

        Superusers and the Prevent team may always book.
        """
        from . import roles

        groups = self.eligible_group_names()
        return not groups or user.is_superuser or user.groups.filter(name__in=groups | {roles.PREVENT_ADMIN}).exists()

    @path("")
    def course(self, request):
        return self.render(request)

    @path("calendar/", name="calendar")
    def calendar(self, request):
        from events.views import course_calendar_feed

        return course_calendar_feed(request, course=self)

    @path("book/<int:session_id>/", name="book")
    def book(self, request, session_id):
        from events.views import book_session

        return book_session(request, course=self, session_id=session_id)

    @path("lessons/<int:lesson_id>/", name="lesson")
    def lesson(self, request, lesson_id):
        from events.views import lesson_detail

        return lesson_detail(request, course=self, lesson_id=lesson_id)


class CourseLesson(Orderable):
    """A piece of learning content within a course, which a learner marks complete."""

    page = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(max_length=200)
    minutes = models.PositiveSmallIntegerField("minutes to read", default=10)
    body = StreamField(ContentBlock(), blank=True, use_json_field=True)

    panels = [FieldPanel("title"), FieldPanel("minutes"), FieldPanel("body")]

    def __str__(self):
        return self.title


class LessonProgress(models.Model):
    """A learner has completed a lesson."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(CourseLesson, on_delete=models.CASCADE, related_name="progress")
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="one_completion_per_lesson")]
