"""Organisations into the register from files: the borough's schools from GIAS, the team's own spreadsheets.

Each import is one service (``schools_import_gias``, ``organisations_import``), used by its
``manage.py`` command and by the admin's *Import organisations* screens alike. Each reads and
checks the whole file and works out every change (an ``ImportPlan``) before saving anything; a
dry run stops there, a real run applies the plan in one transaction.
"""

from .base import IMPORT_OUTDATED, IMPORT_PERMISSION, IMPORT_TEAM_ONLY, ImportInvalid, ImportOutdated, ImportPlan
from .gias import gias_phase, schools_import_gias
from .organisations import COLUMNS as ORGANISATION_COLUMNS
from .organisations import TEMPLATE_FILENAME, organisations_import, organisations_template

__all__ = [
    "IMPORT_OUTDATED",
    "IMPORT_PERMISSION",
    "IMPORT_TEAM_ONLY",
    "ImportInvalid",
    "ImportOutdated",
    "ImportPlan",
    "gias_phase",
    "schools_import_gias",
    "ORGANISATION_COLUMNS",
    "TEMPLATE_FILENAME",
    "organisations_import",
    "organisations_template",
]
