"""The page tree the migrations make, put back after a transactional test's flush removed it."""

from django.conf import settings
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from portal.models import HomePage


def restore_home_page():
    """Put back the home page and site the migrations make, when an earlier test's flush removed them.

    Every ``transaction=True`` test ends by emptying every table. post_migrate remakes the
    role groups, but not the migrations' page tree; and ``serialized_rollback`` cannot help
    once Playwright runs an event loop in the main thread (see tests/events/test_races.py).
    """
    if HomePage.objects.exists():
        return
    locale, _ = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    home = root.add_child(instance=HomePage(title="Prevent training and engagement", slug="home", locale=locale))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Prevent training"},
    )


def restore_root_collection():
    """Put back the root collection the migrations make (documents and images need it), after a flush removed it."""
    from wagtail.models import Collection

    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
