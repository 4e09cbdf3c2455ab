"""Issue 14: the demo's old placeholder page at /faith-forum/ makes way for the forum page (faith_forum.demo)."""

from __future__ import annotations

import pytest

from faith_forum import demo
from tests.factories import StandardPageFactory
from tests.pagetree import restore_home_page

pytestmark = pytest.mark.django_db


def test_a_placeholder_without_pages_beneath_it_is_deleted():
    restore_home_page()
    old = StandardPageFactory(title="Faith Forum", slug="faith-forum")
    home = old.get_parent()
    demo.clear_old_placeholder(home)
    assert not home.get_children().filter(slug__startswith="faith-forum").exists()


def test_a_placeholder_with_pages_beneath_it_is_kept_under_another_address(db):
    restore_home_page()
    old = StandardPageFactory(title="Faith Forum", slug="faith-forum")
    StandardPageFactory(title="Forum news", slug="news", parent=old)
    home = old.get_parent()
    demo.clear_old_placeholder(home)
    old.refresh_from_db()
    assert old.slug == "faith-forum-previous" and old.get_children().count() == 1
    assert not home.get_children().filter(slug="faith-forum").exists()
