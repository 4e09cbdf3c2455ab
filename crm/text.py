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


# The personal-data guard (issue 11): outreach and other counts-not-people records refuse free
# text that holds a way to reach or identify a person. Forms, imports and the API all call
# ``personal_data_check``; nothing else decides what counts as personal data in free text.
PERSONAL_DATA_KINDS = {
    "email": "an email address",
    "phone": "a UK phone number",
    "postcode": "a UK postcode",
    "ni_number": "a National Insurance number",
}
PERSONAL_DATA_REFUSED = (
    "This looks like {kind} ({found}). Records of outreach hold counts and places, never people's "
    "details: take it out (and write no names)."
)

_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# A run that starts like a UK number (0..., +44..., (0...) with digits, spaces, dots, hyphens or
# brackets; it is a phone number only if it holds 10 or 11 digits once +44 reads as 0 (below),
# so dates (12/03/2026), times (14:30) and counts never are.
_PHONE = re.compile(r"(?<![\w/:.+-])(?:\+\s?44\s?(?:\(0\)\s?)?|\(?0)[\d\s().-]{7,16}\d(?![\w/:])")
_POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-HJKPSTUW\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE)
_NI_NUMBER = re.compile(
    r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", re.IGNORECASE
)


def _phone_numbers(text: str) -> list[str]:
    found = []
    for match in _PHONE.finditer(text):
        candidate = match.group(0).strip()
        digits = re.sub(r"\D", "", candidate)
        if digits.startswith("440"):
            digits = digits[2:]
        elif digits.startswith("44"):
            digits = "0" + digits[2:]
        if digits.startswith("0") and len(digits) in (10, 11) and digits[1] in "123578":
            found.append(candidate)
    return found


def personal_data_check(text: str, *, refused: str = PERSONAL_DATA_REFUSED) -> list[str]:
    """What personal data ``text`` holds, as messages to show the person (empty when none).

    Refused: an email address, a UK phone number, a UK postcode, a National Insurance number.
    Look-alikes pass: dates (12/03/2026, 2026-03-12), times (14:30), room numbers, years,
    counts, course names such as "WRAP 2". ``refused`` words the message for the record at hand
    (``{kind}`` and ``{found}`` are filled in); the outreach wording by default.
    """
    if not text:
        return []
    found: list[tuple[str, str]] = []
    found += [("email", match) for match in _EMAIL.findall(text)]
    without_emails = _EMAIL.sub(" ", text)
    found += [("phone", match) for match in _phone_numbers(without_emails)]
    found += [("ni_number", match.group(0)) for match in _NI_NUMBER.finditer(without_emails)]
    found += [("postcode", match.group(0)) for match in _POSTCODE.finditer(without_emails)]
    return [refused.format(kind=PERSONAL_DATA_KINDS[kind], found=value) for kind, value in found]


def personal_data_errors(values: dict[str, str | None]) -> dict[str, list[str]]:
    """``personal_data_check`` of several fields at once, keyed by field name (fields with none left out)."""
    errors = {}
    for name, value in values.items():
        messages = personal_data_check(value or "")
        if messages:
            errors[name] = messages
    return errors


def refuse_personal_data(text: str) -> str:
    """``text`` unchanged, or ``ValidationError`` naming the personal data it holds (for a form's ``clean_<field>``)."""
    messages = personal_data_check(text)
    if messages:
        raise forms.ValidationError(messages, code="personal_data")
    return text
