"""Editors build courses in the Wagtail admin: creatable where they belong, previewable, restrictable."""
from wagtail.models import PageViewRestriction
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from events.models import CoursePage, TrainingIndexPage
from portal.models import HomePage, StandardPage
from tests.factories import UserFactory
from crm import roles


class CoursePageTests(WagtailPageTestCase):
    def setUp(self):
        from events.demo import courses

        self.courses = courses()
        self.index = TrainingIndexPage.objects.get()
        self.editor = UserFactory(roles=[roles.PREVENT_ADMIN])
        self.client.force_login(self.editor)

    def test_courses_live_under_the_training_index_only(self):
        self.assertAllowedParentPageTypes(CoursePage, {TrainingIndexPage})
        self.assertAllowedSubpageTypes(TrainingIndexPage, {CoursePage})
        self.assertCanNotCreateAt(HomePage, CoursePage)
        self.assertCanNotCreateAt(StandardPage, CoursePage)

    def test_team_creates_a_course_with_content_and_lessons_in_the_admin(self):
        data = nested_form_data({
            "title": "Prevent for housing officers",
            "slug": "prevent-housing",
            "summary": "A short course for housing staff.",
            "audience": "Housing officers",
            "duration": "90 minutes",
            "reporting_category": "wrap",
            "body": streamfield([("paragraph", rich_text("<p>What housing staff need to know.</p>"))]),
            "lessons": inline_formset([
                {"title": "Before you come", "minutes": 5, "body": streamfield([])},
                {"title": "After the session", "minutes": 10, "body": streamfield([])},
            ]),
        })
        self.assertCanCreate(self.index, CoursePage, data)
        course = CoursePage.objects.get(slug="prevent-housing")
        self.assertEqual([lesson.title for lesson in course.lessons.all()], ["Before you come", "After the session"])

    def test_course_pages_preview_and_render(self):
        self.assertPageIsRenderable(self.courses["wrap"])
        self.assertPageIsRenderable(self.index)

    def test_unsaved_edits_to_a_course_with_lessons_preview_before_publishing(self):
        wrap = self.courses["wrap"]
        data = nested_form_data({
            "title": "WRAP (draft title)", "slug": wrap.slug, "summary": "Draft summary", "audience": wrap.audience,
            "duration": wrap.duration, "reporting_category": "wrap", "body": streamfield([]),
            "lessons": inline_formset([{"title": "New lesson", "minutes": 5, "body": streamfield([])}]),
        })
        url = f"/admin/pages/{wrap.pk}/edit/preview/"
        self.assertEqual(self.client.post(url, data).json(), {"is_valid": True, "is_available": True})
        preview = self.client.get(url)
        self.assertContains(preview, "WRAP (draft title)")
        self.assertContains(preview, "New lesson")
        wrap.refresh_from_db()
        self.assertNotEqual(wrap.title, "WRAP (draft title)")

    def test_member_course_is_restricted_to_members_and_the_team(self):
        restriction = PageViewRestriction.objects.get(page=self.courses["member"])
        self.assertEqual(
            set(restriction.groups.values_list("name", flat=True)), {roles.ELECTED_MEMBER, roles.PREVENT_ADMIN}
        )
        self.assertEqual(self.courses["member"].eligible_group_names(), {roles.ELECTED_MEMBER, roles.PREVENT_ADMIN})
        self.assertIsNone(self.courses["wrap"].eligible_group_names())
