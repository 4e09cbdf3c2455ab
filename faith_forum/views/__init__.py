"""The forum's views, one module per area; the page routes (``faith_forum.models``) import them from here."""

from .membership import application_form

__all__ = ["application_form"]
