"""One guard for text coming in: control characters out, Unicode in one form (issue 10 item 7).

A vertical tab typed into a name, or a NUL in a register file, is stored as it came
unless something removes it, and then breaks what reads it later: openpyxl refuses to
write it to an XLSX export, and PostgreSQL refuses a NUL outright. So every text value
goes through ``clean_text`` on the way in:

- ``text_clean_before_save`` (a ``pre_save`` receiver connected in ``crm.apps``) cleans
  every ``CharField`` and ``TextField`` of the project's own models, whoever saves them;
- ``CleanTextFormMixin`` cleans a form's text before it is validated, so the person sees
  (and the form checks) the value that will be stored;
- the register upload's reader cleans each cell it reads.
"""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.db import models

PROJECT_APPS = frozenset({"crm", "events", "faith_forum", "feedback", "portal"})

# Controls that separate words (tabs, line and page breaks, the separators, NEL) become a space.
_SPACING = "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029"
# Every other C0 and C1 control (NUL, bell, escape, DEL, CSI ...) is dropped.
_DROPPED = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
_SPACING_LINE = re.compile(f"[{_SPACING}]")
_SPACING_MULTILINE = re.compile(f"[{_SPACING.replace(chr(9), '').replace(chr(10), '').replace(chr(13), '')}]")


def clean_text(value: str, *, multiline: bool = False) -> str:
    """``value`` in Unicode NFC with no control characters.

    Multi-line text keeps its tabs and line breaks (``\\r\\n`` and ``\\r`` become ``\\n``);
    in one-line text they become spaces, like the other controls that separate words.
    """
    if not value:
        return value
    value = unicodedata.normalize("NFC", _DROPPED.sub("", value))
    if multiline:
        return _SPACING_MULTILINE.sub(" ", value.replace("\r\n", "\n").replace("\r", "\n"))
    return _SPACING_LINE.sub(" ", value)


def text_clean_before_save(sender, instance, **kwargs) -> None:
    """Clean every text field of a project model before it is written, however it is saved."""
    if sender._meta.app_label not in PROJECT_APPS:
        return
    for field in sender._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField)):
            value = getattr(instance, field.attname)
            if isinstance(value, str):
                setattr(instance, field.attname, clean_text(value, multiline=isinstance(field, models.TextField)))


class CleanTextFormMixin:
    """A form whose text fields are cleaned (``clean_text``) before they are validated."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound or not hasattr(self.data, "getlist"):
            return
        data = self.data.copy()
        for name, field in self.fields.items():
            if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
                continue
            key = self.add_prefix(name)
            if key in data:
                multiline = isinstance(field.widget, forms.Textarea)
                data.setlist(key, [clean_text(value, multiline=multiline) for value in data.getlist(key)])
        self.data = data
