"""A session's register as a table and as files: printed (PDF), exported (CSV, XLSX), and uploaded on paper.

Three parts, each used by the register views:

- ``session_register`` reads who was booked, waiting, present, a walk-in or a no-show;
- ``register_csv``, ``register_xlsx`` and ``register_pdf`` write it out (``register_context`` is what
  the page shows, and its PDF prints);
- ``register_rows_read`` (behind ``RegisterUploadForm``) reads a paper register back in,
  checking every row before anything is saved. The rule that applies it is
  ``events.services.register_upload_apply``.
"""

from .exports import (
    EXPORT_COLUMNS,
    REGISTER_TEMPLATE,
    register_context,
    register_csv,
    register_filename,
    register_pdf,
    register_xlsx,
)
from .table import Register, RegisterLine, session_register
from .uploads import RegisterFileInvalid, RegisterRow, RegisterUploadForm, register_rows_read

__all__ = [
    "EXPORT_COLUMNS",
    "REGISTER_TEMPLATE",
    "register_context",
    "register_csv",
    "register_filename",
    "register_pdf",
    "register_xlsx",
    "Register",
    "RegisterLine",
    "session_register",
    "RegisterFileInvalid",
    "RegisterRow",
    "RegisterUploadForm",
    "register_rows_read",
]
