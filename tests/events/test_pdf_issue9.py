"""Issue 9, item 6: certificates and printed registers carry the borough's names in every script.

Each PDF is read back twice, independently of how it was made:

- pypdf extracts the text, and the exact name must be in it (both sides NFKC-normalised, so a
  reader that returns Arabic presentation forms or precomposed/decomposed Vietnamese
  still compares equal). pypdf returns the Arabic name in logical order, the way it is typed.
- Text extraction alone cannot prove the name is *printed*: a PDF can map a missing glyph
  (the "■" box, or nothing) to the right character. So ``drawn_glyphs`` walks the page's
  content streams, finds every glyph drawn and looks it up in the font program embedded in
  the PDF (fontTools): every glyph must exist in the font, must not be ``.notdef`` (glyph 0)
  and, unless it is a space, must have an outline. Every letter of each name must be among
  the characters those real glyphs stand for (the font's ToUnicode map). Helvetica, which
  is not embedded and has no Ł, Ş, ễ, Greek, Cyrillic or Arabic, fails both checks.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.urls import reverse
from django.utils import timezone
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ContentStream

from crm import roles
from crm.pdf import static_files_fetcher
from events.models import AttendanceMethod
from events.services import attendance_record, booking_create

pytestmark = pytest.mark.django_db

# (first name, last name) as people type them; the full name is "first last".
NAMES = {
    "Polish": ("Łukasz", "Żółć"),
    "Turkish": ("Şükrü", "Gündoğdu"),
    "Turkish, dotted capital I": ("İlkay", "Çağlar"),
    "Vietnamese": ("Nguyễn Thị Minh", "Khai"),
    "Greek": ("Γιώργος", "Παπαδόπουλος"),
    "Cyrillic": ("Олена", "Шевченко"),
    "Arabic": ("محمد", "عبد الله"),
}


def full(name: tuple[str, str]) -> str:
    return f"{name[0]} {name[1]}"


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def pdf_text(pdf: bytes) -> str:
    """The PDF's text, NFKC-normalised, each run of spaces and line breaks (table cells wrap) as one space."""
    return nfkc(" ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split()))


# --- Reading the glyphs a PDF draws ---------------------------------------------------------------


@dataclass(frozen=True)
class Glyph:
    font: str
    glyph_id: int
    text: str  # what the font's ToUnicode map says the glyph stands for
    in_font: bool  # the embedded font program has this glyph
    outlined: bool  # ...and it has an outline (is not blank)


def _to_unicode(font) -> dict[int, str]:
    """The font's ToUnicode CMap: code -> text (bfchar and bfrange entries)."""
    if "/ToUnicode" not in font:
        return {}
    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    decoded: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, flags=re.DOTALL):
        for code, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            decoded[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, flags=re.DOTALL):
        for low, high, start in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            first = int(start, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                decoded[code] = chr(first + offset)
    return decoded


@cache
def _font_program(data: bytes) -> TTFont:
    return TTFont(io.BytesIO(data))


def _code_to_cid(font) -> dict[int, int] | None:
    """The font's encoding: None for Identity-H (code = CID), else its embedded CMap's code -> CID.

    WeasyPrint writes its own CMap when a page draws a glyph no font has: those codes map to CID 0.
    """
    encoding = font["/Encoding"]
    if encoding == "/Identity-H":
        return None
    cmap = encoding.get_object().get_data().decode("latin-1")
    cids: dict[int, int] = {}
    for block in re.findall(r"begincidchar(.*?)endcidchar", cmap, flags=re.DOTALL):
        for code, cid in re.findall(r"<([0-9A-Fa-f]+)>\s*(\d+)", block):
            cids[int(code, 16)] = int(cid)
    for block in re.findall(r"begincidrange(.*?)endcidrange", cmap, flags=re.DOTALL):
        for low, high, cid in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\d+)", block):
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                cids[code] = int(cid) + offset
    return cids


def _glyph_reader(font):
    """For a composite (Type0) font with an embedded TrueType program: code -> Glyph."""
    name = str(font["/BaseFont"])
    assert font["/Subtype"] == "/Type0", f"{name} is not an embedded CID font"
    code_to_cid = _code_to_cid(font)
    descendant = font["/DescendantFonts"][0].get_object()
    descriptor = descendant["/FontDescriptor"].get_object()
    assert "/FontFile2" in descriptor, f"{name} is not embedded in the PDF"
    program = _font_program(descriptor["/FontFile2"].get_object().get_data())
    glyph_order = program.getGlyphOrder()
    to_gid = descendant.get("/CIDToGIDMap", "/Identity")
    gid_map = None if to_gid == "/Identity" else to_gid.get_object().get_data()
    to_unicode = _to_unicode(font)

    def glyph(code: int) -> Glyph:
        cid = code if code_to_cid is None else code_to_cid.get(code, 0)
        gid = cid if gid_map is None else int.from_bytes(gid_map[2 * cid : 2 * cid + 2], "big")
        in_font = 0 < gid < len(glyph_order)
        outlined = in_font and program["glyf"][glyph_order[gid]].numberOfContours != 0
        return Glyph(name, gid, to_unicode.get(code, ""), in_font, outlined)

    return glyph


def drawn_glyphs(pdf: bytes) -> list[Glyph]:
    """Every glyph the PDF's pages draw, form XObjects included, looked up in its embedded font."""
    reader = PdfReader(io.BytesIO(pdf))
    glyphs: list[Glyph] = []

    def walk(contents, resources):
        fonts = resources.get("/Font", {})
        xobjects = resources.get("/XObject", {})
        readers = {}
        current = None
        for operands, operator in ContentStream(contents, reader).operations:
            if operator == b"Tf":
                key = str(operands[0])
                if key not in readers:
                    readers[key] = _glyph_reader(fonts[key].get_object())
                current = readers[key]
            elif operator in (b"Tj", b"TJ", b"'", b'"'):
                strings = operands[0] if operator == b"TJ" else [operands[-1]]
                for string in strings:
                    if hasattr(string, "original_bytes"):
                        raw = string.original_bytes
                        glyphs.extend(current(int.from_bytes(raw[i : i + 2], "big")) for i in range(0, len(raw), 2))
            elif operator == b"Do":
                xobject = xobjects[str(operands[0])].get_object()
                if xobject.get("/Subtype") == "/Form":
                    walk(xobject, xobject.get("/Resources", resources))

    for page in reader.pages:
        walk(page.get_contents(), page["/Resources"])
    return glyphs


def assert_printed(pdf: bytes, names: list[str]) -> None:
    """Every glyph drawn is a real one of an embedded font, and every letter of each name has one."""
    glyphs = drawn_glyphs(pdf)
    assert glyphs, "the PDF draws no text"
    missing = [g for g in glyphs if not g.in_font or (not g.outlined and not g.text.isspace())]
    assert not missing, f"glyphs drawn that the font does not have (boxes or blanks): {missing[:5]}"
    printed = set(unicodedata.normalize("NFKD", "".join(g.text for g in glyphs)))
    for name in names:
        letters = set(unicodedata.normalize("NFKD", name)) - {" "}
        assert letters <= printed, f"{name}: no glyph printed for {sorted(letters - printed)}"


# --- Certificates ------------------------------------------------------------------------------------


@pytest.mark.parametrize("script", list(NAMES))
def test_certificate_pdf_prints_the_name_in_its_own_script(client, make_session, make_user, script):
    first, last = NAMES[script]
    person = make_user(roles.LEARNER, first_name=first, last_name=last)
    attendance, _ = attendance_record(session=make_session(days=-3), user=person)
    client.force_login(person)

    response = client.get(reverse("events:certificate_pdf", args=[attendance.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert nfkc(full(NAMES[script])) in text
    # Everything else the certificate says is still there.
    session = attendance.session
    date = f"{timezone.localtime(session.starts_at):%-d %B %Y}"
    for expected in (
        "Certificate of attendance",
        "This is to certify that",
        "Workshop to Raise Awareness of Prevent (WRAP)",
        date,
        "delivered by the Prevent team",
        f"Verification code: {attendance.certificate_code}",
        "http://testserver" + reverse("events:certificate_verify") + f"?code={attendance.certificate_code}",
    ):
        assert nfkc(expected) in text, expected
    assert_printed(response.content, [full(NAMES[script])])


def test_certificate_pdf_is_one_landscape_a4_page_with_a_working_verify_link(client, make_session, make_user):
    first, last = NAMES["Arabic"]
    person = make_user(roles.PREVENT_ADMIN, first_name=first, last_name=last)
    attendance, _ = attendance_record(session=make_session(days=-3), user=person)
    client.force_login(person)
    # The team's pages carry Wagtail's user bar, which must not print (it made a blank first page).
    assert "<wagtail-userbar" in client.get(reverse("events:certificate", args=[attendance.pk])).content.decode()

    reader = PdfReader(io.BytesIO(client.get(reverse("events:certificate_pdf", args=[attendance.pk])).content))

    assert len(reader.pages) == 1
    assert reader.pages[0].extract_text().startswith("Certificate of attendance")
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (297, 210)
    links = [a.get_object()["/A"]["/URI"] for a in reader.pages[0].get("/Annots", [])]
    assert "http://testserver" + reverse("events:certificate_verify") + f"?code={attendance.certificate_code}" in links


# --- The printed register ----------------------------------------------------------------------------


def test_register_pdf_prints_everyones_name_in_their_own_script(client, make_session, make_user):
    session = make_session(days=7, capacity=20, venue="Fulham Library, Room 2")
    trainer = make_user(roles.TRAINER, first_name="Helen", last_name="Price")
    session.trainers.add(trainer)
    people = {
        script: make_user(first_name=first, last_name=last, email=f"person{number}@example.org")
        for number, (script, (first, last)) in enumerate(NAMES.items())
    }
    bookings = {script: booking_create(session=session, user=person) for script, person in people.items()}
    for script in ("Polish", "Greek", "Arabic"):
        attendance_record(session=session, booking=bookings[script], by=trainer, method=AttendanceMethod.TICKET)
    walk_in = "Ayşe Yılmaz"
    attendance_record(session=session, full_name=walk_in, email="ayse@example.org", organisation_name="Çarşı Derneği")
    client.force_login(trainer)

    response = client.get(reverse("events:register_pdf", args=[session.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    names = [full(name) for name in NAMES.values()] + [walk_in, "Çarşı Derneği"]
    for name in names:
        assert nfkc(name) in text, name
    for column in ("Name", "Organisation", "Booking", "Present", "No-show", "Signature"):
        assert column in text, column
    assert "person0@example.org" in text
    assert "Walk-in(nobooking)" in text.replace(" ", "")  # a narrow column wraps it, and pypdf joins the lines bare
    assert_printed(response.content, names)


def test_register_pdf_repeats_its_headings_and_numbers_its_pages(client, make_session, make_user, team_admin):
    session = make_session(days=7, capacity=60)
    for number in range(40):
        booking_create(session=session, user=make_user(first_name="Олена", last_name=f"Шевченко {number}"))
    client.force_login(team_admin)  # the team's pages carry Wagtail's user bar: it must not print

    reader = PdfReader(io.BytesIO(client.get(reverse("events:register_pdf", args=[session.pk])).content))

    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    assert len(pages) >= 2 and pages[0].startswith("Register: Workshop to Raise Awareness of Prevent (WRAP)")
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "Name Organisation Booking Present No-show Signature" in page  # the headings repeat on every page
        assert "Register: Workshop to Raise Awareness of Prevent (WRAP), " in page
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    assert all(f"Олена Шевченко {number} " in " ".join(pages) for number in range(40))


# --- Nothing leaves the server while printing ------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost/media/photo.jpg",
        "http://example.org/static/css/portal.css",
        "file:///etc/passwd",
    ],
)
def test_printing_reads_only_the_sites_own_static_files(url):
    fetcher = static_files_fetcher("http://localhost/")
    assert b"bootstrap" in fetcher.fetch("http://localhost/static/vendor/bootstrap/css/bootstrap.min.css").read()[:200]
    assert fetcher.fetch("data:text/plain,inline").read() == b"inline"  # what a stylesheet carries in itself
    with pytest.raises(ValueError, match="Only the site's static files"):
        fetcher.fetch(url)


def test_printing_reads_no_file_outside_the_static_folders():
    fetcher = static_files_fetcher("http://localhost/")
    with pytest.raises(SuspiciousFileOperation):
        fetcher.fetch("http://localhost/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd")
