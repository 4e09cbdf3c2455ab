"""The forum's business rules, one function each (split by area; re-exported here)."""

from .members_area import MEMBERS_AREA_ROLES, members_area_restrict, needs_own_restriction

__all__ = ["MEMBERS_AREA_ROLES", "members_area_restrict", "needs_own_restriction"]
