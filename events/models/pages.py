"""Training's Wagtail pages: the course list, course pages with their lessons, and lesson progress."""

from django.conf import settings
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, PageViewRestriction
from wagtail.search import index

from crm import roles
from crm.blocks import ContentBlock


class ReportingCategory(models.TextChoices):
    """Which line of the team's figures a course's attendance counts towards."""

    WRAP = "wrap", "WRAP"
    EDUCATION = "education", "Education briefing"
    MEMBER = "member", "Elected Member training"
    OTHER = "other", "Other training"
    # Faith Forum meetings, site visits and interfaith events: engagement, not training. They count in no
    # training figure (feedback.selectors.counted_attendances); a forum event of a WRAP course counts as WRAP.
    FORUM = "forum", "Faith Forum event (not training)"


class TrainingIndexPage(Page):
    """Lists the courses people can book."""

    introduction = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    # Where it sits is the home page's choice (portal's HomePage.subpage_types): training knows nothing of the front door.
    subpage_types = ["events.CoursePage"]
    max_count = 1
    template = "events/training_index_page.html"

    def get_context(self, request, *args, **kwargs):
        from ..selectors import course_listing

        context = super().get_context(request, *args, **kwargs)
        courses = list(course_listing(parent=self, user=request.user))
        for course in courses:
            course.restricted_for, course.viewer_may_open = course.view_restriction_for(request)
        context["courses"] = courses
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
    parent_page_types = ["events.TrainingIndexPage"]
    subpage_types = []
    template = "events/course_page.html"

    def get_context(self, request, *args, **kwargs):
        from ..selectors import course_sessions_for_listing, lesson_progress_for

        context = super().get_context(request, *args, **kwargs)
        context["sessions"] = course_sessions_for_listing(course=self, user=request.user)
        context["lessons"] = list(self.lessons.all())
        context["progress"] = lesson_progress_for(user=request.user, course=self)
        return context

    def eligible_group_names(self) -> set[str] | None:
        """Group names a view restriction limits booking to, or None when anyone may book."""
        names: set[str] = set()
        for restriction in roles.view_restrictions(self):
            if restriction.restriction_type == PageViewRestriction.GROUPS:
                names.update(restriction.groups.values_list("name", flat=True))
        return names or None

    def view_restriction_for(self, request) -> tuple[str, bool]:
        """Who a course restricted to some roles is for ("elected Members"; "" when anyone may open it),
        and whether this request may open its page - the test Wagtail's restriction itself applies."""
        restrictions = [r for r in roles.view_restrictions(self) if r.restriction_type == PageViewRestriction.GROUPS]
        if not restrictions:
            return "", True
        names = {group.name for restriction in restrictions for group in restriction.groups.all()}
        return roles.audience(names), all(restriction.accept_request(request) for restriction in restrictions)

    def is_open_to(self, user) -> bool:
        """Whether ``user`` may book this course: anyone, unless a view restriction limits it to some groups.

        Superusers and the Prevent team may always book.
        """
        groups = self.eligible_group_names()
        return not groups or user.is_superuser or user.groups.filter(name__in=groups | {roles.PREVENT_ADMIN}).exists()

    @path("")
    def course(self, request):
        return self.render(request)

    @path("calendar/", name="calendar")
    def calendar(self, request):
        from ..views import course_calendar_feed

        return course_calendar_feed(request, course=self)

    @path("book/<int:session_id>/", name="book")
    def book(self, request, session_id):
        from ..views import book_session

        return book_session(request, course=self, session_id=session_id)

    @path("lessons/<int:lesson_id>/", name="lesson")
    def lesson(self, request, lesson_id):
        from ..views import lesson_detail

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

    def __str__(self):
        return f"{self.user} completed {self.lesson}"
