"""The forum's views (split by area; the page routes import these names from here)."""

from .members import member_directory, members_page

__all__ = ["member_directory", "members_page"]
