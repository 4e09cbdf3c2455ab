"""Legacy registers imported: the team's old spreadsheets of who attended which session, before this site.

``registers_import`` is the one service; ``manage.py import_registers FILE [--dry-run] [--by EMAIL]``
and the admin's *CRM → Import legacy registers* screens (``feedback.import_admin``) both call it.
The file (CSV or XLSX) has one row per person per session; headings in any order and any case:

=================  ========  ===========================================================================
heading            required  what
=================  ========  ===========================================================================
session_date       yes       YYYY-MM-DD or DD/MM/YYYY (an Excel date cell too); before today
course             yes       the course's title
category           yes       wrap, education, member or other
first_name         yes
last_name          yes
email              no        the person's email, if the register has it
organisation       heading   their organisation as written (may be left empty on a row)
organisation_type  yes       the CRM's codes: council, school, statutory, community, faith, member, other
political_group    no        administration or opposition; only for organisation_type member
cabinet            no        yes/no; yes only with administration (``crm.models.member_details_check``)
attended           yes       yes or no
=================  ========  ===========================================================================

The rules (decided for issue 12):

- **All or nothing.** Every row is checked and matched before anything is written; any bad row
  (unknown category or type, an impossible date such as 31/02/2019, a date today or later, a
  missing name, a political group on a non-Member, Cabinet without Administration, the same person
  twice on one session...) raises ``crm.imports.ImportInvalid`` naming each bad row and column,
  and nothing is saved. The plan is applied in one transaction; a dry run stops before it.
- **Courses** are matched by title, case apart, among all course pages (published or not). A
  missing course is made *unpublished* under the Training page, in the row's category, with
  "Imported from a legacy register" style summary, audience and duration for the team to finish.
  A title that is a course of another category is a bad row: an import never re-categorises.
- **Sessions** are matched by course and the London date of their start. A missing one is made
  as held: 09:30–12:00 London on that date, scheduled, register closed at the import, walk-ins off,
  capacity the number of rows for it, venue "Not recorded". It is *closed* (for one organisation)
  when every row names the same organisation of the register; otherwise open, which for a past
  session lists and books nothing (a closed session must name its organisation: a database rule).
  Two scheduled sessions of the course that day, or only a cancelled one, is a bad row.
- **People** within a session are the same person by email (case apart) when the row has one, else
  by first and last name and organisation (case apart). Someone already present, or already recorded
  absent, changes nothing, so importing the same file twice changes nothing; nor is a mark the
  team took back on the desk made again (the correction stands).
- **Attendances** (``attended`` yes) go through ``events.services.attendance_record`` (method
  *upload*, checked in at the session's start, by the importer, not self-declared), then keep the
  row's snapshot as the truth of the day: name, organisation as written, organisation type,
  ``member_side`` (the political group) and ``is_cabinet_member``. The figures
  (``feedback.selectors.counted_attendances``) count them like any other. ``organisation`` is linked
  only when the name is exactly one organisation of the register (``crm.selectors.exact_matches``).
  ``user`` is linked only when the email is an account's *verified* address; an unverified
  account joins it when its owner verifies (``events.services.walk_in_attendance_link``), as a
  walk-in's does, so nobody gets another's certificate by signing up with their address.
- **No-shows** (``attended`` no) never count as trained. When the email is an account's with a
  confirmed booking on the session, that booking is marked ``no_show``; otherwise the row is kept as
  an ``ImportedNoShow`` (a booking needs an account, and none is made from a spreadsheet). A "no"
  for someone already present is not recorded (a warning says so); a "yes" for someone recorded
  absent by an earlier import records the attendance and removes that no-show.
- **Audit**: an import that writes anything leaves one ``feedback.register_import`` entry in the audit
  log (who, the file's name, the counts), on the Training page; each attendance and booking marked
  a no-show has its own entry as well (``attendance_record``, ``events.no_show``).
- **Deleting a person** deletes the imported no-shows under their email (``people``); their
  imported attendances are anonymised by training's own erasure, as every attendance is.
"""

from .apply import ACTIONS, REGISTER_IMPORT, registers_import
from .people import on_person_data_preview, on_person_deleting
from .plan import PLAN_MESSAGES, RegisterImportPlan, register_import_plan
from .rows import COLUMNS, MESSAGES, REQUIRED, register_import_rows
from .template import TEMPLATE_FILENAME, registers_template

__all__ = [
    "ACTIONS",
    "COLUMNS",
    "MESSAGES",
    "PLAN_MESSAGES",
    "REGISTER_IMPORT",
    "REQUIRED",
    "TEMPLATE_FILENAME",
    "RegisterImportPlan",
    "on_person_data_preview",
    "on_person_deleting",
    "register_import_plan",
    "register_import_rows",
    "registers_import",
    "registers_template",
]
