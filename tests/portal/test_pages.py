"""The Wagtail site: home page, content pages, site settings."""

from wagtail.models import Site
from wagtail.test.utils import WagtailPageTestCase

from events.models import TrainingIndexPage
from faith_forum.models import FaithForumPage
from portal.models import HomePage, StandardPage, TeamContactSettings


class HomePageTests(WagtailPageTestCase):
    def setUp(self):
        self.home = HomePage.objects.get()

    def test_home_page_is_the_site_root_and_renders(self):
        self.assertEqual(Site.objects.get(is_default_site=True).root_page.specific, self.home)
        self.assertPageIsRenderable(self.home)

    def test_editors_can_add_content_pages_under_home(self):
        self.assertAllowedSubpageTypes(HomePage, {StandardPage, TrainingIndexPage, FaithForumPage})
        self.assertCanCreateAt(HomePage, StandardPage)
        self.assertCanNotCreateAt(StandardPage, HomePage)

    def test_page_has_landmarks_and_a_skip_link(self):
        response = self.client.get("/")
        content = response.content.decode()
        for marker in ('href="#main-content"', '<main id="main-content"', "<header", "<footer", 'aria-label="Main"'):
            self.assertIn(marker, content)

    def test_front_end_comes_from_the_app_not_a_cdn(self):
        content = self.client.get("/").content.decode()
        self.assertIn("/static/vendor/bootstrap/css/bootstrap.min.css", content)
        self.assertNotIn("cdn", content.lower())
        self.assertEqual(self.client.get("/static/vendor/bootstrap/js/bootstrap.bundle.min.js").status_code, 200)

    def test_team_contact_settings_show_in_the_footer(self):
        settings = TeamContactSettings.for_site(Site.objects.get(is_default_site=True))
        settings.email = "prevent@lbhf.gov.uk"
        settings.phone = "020 8753 1234"
        settings.save()
        content = self.client.get("/").content.decode()
        self.assertIn("mailto:prevent@lbhf.gov.uk", content)
        self.assertIn("020 8753 1234", content)

    def test_content_page_renders_streamfield_blocks(self):
        page = StandardPage(
            title="About WRAP",
            slug="about-wrap",
            body=[
                ("heading", {"text": "What is WRAP?", "level": "h2"}),
                ("faq", {"question": "How long is it?", "answer": "<p>About two hours.</p>"}),
            ],
        )
        self.home.add_child(instance=page)
        content = self.client.get("/about-wrap/").content.decode()
        self.assertIn("<h2>What is WRAP?</h2>", content)
        self.assertIn("<summary>How long is it?</summary>", content)
