"""Editors build courses in the Wagtail admin: creatable where they belong, previewable, restrictable."""

from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from crm import roles
from events.models import CourseLesson, CoursePage, ReportingCategory, TrainingIndexPage
from portal.models import HomePage, StandardPage
from tests.factories import CoursePageFactory, TrainingIndexPageFactory, UserFactory


class CoursePageTests(WagtailPageTestCase):
    def setUp(self):
        self.index = TrainingIndexPageFactory()
        wrap = CoursePageFactory(title="WRAP", slug="wrap", reporting_category=ReportingCategory.WRAP)
        CourseLesson.objects.create(page=wrap, title="What is the Prevent duty?", body=[])
        member = CoursePageFactory(
            title="Prevent training for elected Members",
            reporting_category=ReportingCategory.MEMBER,
            restricted_to=[roles.ELECTED_MEMBER, roles.PREVENT_ADMIN],
        )
        self.courses = {"wrap": wrap, "member": member}
        self.editor = UserFactory(roles=[roles.PREVENT_ADMIN])
        self.client.force_login(self.editor)

    def test_courses_live_under_the_training_index_only(self):
        self.assertAllowedParentPageTypes(CoursePage, {TrainingIndexPage})
        self.assertAllowedSubpageTypes(TrainingIndexPage, {CoursePage})
        self.assertCanNotCreateAt(HomePage, CoursePage)
        self.assertCanNotCreateAt(StandardPage, CoursePage)

    def test_team_creates_a_course_with_content_and_lessons_in_the_admin(self):
        data = nested_form_data(
            {
                "title": "Prevent for housing officers",
                "slug": "prevent-housing",
                "summary": "A short course for housing staff.",
                "audience": "Housing officers",
                "duration": "90 minutes",
                "reporting_category": "wrap",
                "body": streamfield([("paragraph", rich_text("<p>What housing staff need to know.</p>"))]),
                "lessons": inline_formset(
                    [
                        {"title": "Before you come", "minutes": 5, "body": streamfield([])},
                        {"title": "After the session", "minutes": 10, "body": streamfield([])},
                    ]
                ),
            }
        )
        self.assertCanCreate(self.index, CoursePage, data)
        course = CoursePage.objects.get(slug="prevent-housing")
        self.assertEqual([lesson.title for lesson in course.lessons.all()], ["Before you come", "After the session"])

    def test_course_pages_preview_and_render(self):
        self.assertPageIsRenderable(self.courses["wrap"])
        self.assertPageIsRenderable(self.index)

    def test_unsaved_edits_to_a_course_with_lessons_preview_before_publishing(self):
        wrap = self.courses["wrap"]
        data = nested_form_data(
            {
                "title": "WRAP (draft title)",
                "slug": wrap.slug,
                "summary": "Draft summary",
                "audience": wrap.audience,
                "duration": wrap.duration,
                "reporting_category": "wrap",
                "body": streamfield([]),
                "lessons": inline_formset([{"title": "New lesson", "minutes": 5, "body": streamfield([])}]),
            }
        )
        url = f"/admin/pages/{wrap.pk}/edit/preview/"
        self.assertEqual(self.client.post(url, data).json(), {"is_valid": True, "is_available": True})
        preview = self.client.get(url)
        self.assertContains(preview, "WRAP (draft title)")
        self.assertContains(preview, "New lesson")
        wrap.refresh_from_db()
        self.assertNotEqual(wrap.title, "WRAP (draft title)")

    def test_a_course_restricted_to_some_groups_is_booked_only_by_them_and_the_team(self):
        member, wrap = self.courses["member"], self.courses["wrap"]
        self.assertEqual(member.eligible_group_names(), {roles.ELECTED_MEMBER, roles.PREVENT_ADMIN})
        self.assertIsNone(wrap.eligible_group_names())
        learner, councillor = UserFactory(roles=[roles.LEARNER]), UserFactory(roles=[roles.ELECTED_MEMBER])
        self.assertEqual(
            [member.is_open_to(person) for person in (learner, councillor, self.editor)], [False, True, True]
        )
        self.assertTrue(wrap.is_open_to(learner))

    def test_a_restriction_set_in_the_admin_limits_who_may_book(self):
        wrap = self.courses["wrap"]
        response = self.client.post(
            f"/admin/pages/{wrap.pk}/privacy/",
            {"restriction_type": PageViewRestriction.GROUPS, "groups": [Group.objects.get(name=roles.TRAINER).pk]},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(CoursePage.objects.get(pk=wrap.pk).eligible_group_names(), {roles.TRAINER})
