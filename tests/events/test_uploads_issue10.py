"""Issue 10 item 5: a certificate upload is judged by its content, not its name, and its size while it streams."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader, PdfWriter

from crm import roles
from events.models import ExternalCertificate
from events.services.requirements import CERTIFICATE_KIND_REFUSED, CERTIFICATE_TOO_BIG, MAX_CERTIFICATE_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(make_user, client):
    person = make_user(roles.ELECTED_MEMBER, member_side="administration")
    client.force_login(person)
    return person


def real_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def real_image(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format=kind)
    return out.getvalue()


def upload(client, requirement, name: str, content: bytes, content_type="application/octet-stream"):
    data = {
        "title": "Home Office Prevent e-learning",
        "completed_on": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
        "file": SimpleUploadedFile(name, content, content_type=content_type),
    }
    return client.post(reverse("events:certificate_upload", args=[requirement.pk]), data)


EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run in DOS mode"
)
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>"
)


@pytest.mark.parametrize(
    "name, content",
    [
        ("certificate.pdf", EXE),
        ("certificate.pdf", HTML),
        ("certificate.png", SVG),
        ("certificate.svg", SVG),
        ("certificate.jpg", b"\xff\xd8\xff\xe0 not really a jpeg at all"),
        ("certificate.pdf", b"%PDF-1.7\n<script>alert(1)</script>"),  # a header and nothing of a PDF behind it
        (
            "certificate.pdf",
            b"%PDF-1.4\n1 0 obj<</Type/Action/S/J#61vaScript/J#53(app.alert(1))>>endobj\ntrailer<<>>\n%%EOF\n",
        ),  # a script action, its names spelt with #xx escapes
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused(client, requirement, member, name, content):
    response = upload(client, requirement, name, content)
    assert response.status_code == 200
    assert CERTIFICATE_KIND_REFUSED in response.context["form"].errors["file"]
    assert not ExternalCertificate.objects.exists()


@pytest.mark.parametrize(
    "name, content, extension",
    [
        ("certificate.pdf", real_pdf(), "pdf"),
        ("photo.png", real_image("PNG"), "png"),
        ("scan.jpg", real_image("JPEG"), "jpg"),
    ],
)
def test_a_real_pdf_png_or_jpeg_is_accepted(client, requirement, member, name, content, extension):
    response = upload(client, requirement, name, content)
    assert response.status_code == 302
    certificate = ExternalCertificate.objects.get(user=member)
    assert certificate.file.name.endswith("." + extension)
    with certificate.file.open("rb") as stored:
        data = stored.read()
    assert data == content
    if extension == "pdf":
        assert len(PdfReader(io.BytesIO(data)).pages) == 1


def test_a_png_named_pdf_is_stored_as_what_it_is(client, requirement, member):
    assert upload(client, requirement, "certificate.pdf", real_image("PNG")).status_code == 302
    assert ExternalCertificate.objects.get(user=member).file.name.endswith(".png")


def test_an_oversize_upload_is_refused_before_it_is_read(client, requirement, member):
    big = real_pdf() + b"%" + b"x" * (MAX_CERTIFICATE_BYTES + 1024)
    response = upload(client, requirement, "certificate.pdf", big)
    assert response.status_code == 413
    assert CERTIFICATE_TOO_BIG in response.content.decode()
    assert not ExternalCertificate.objects.exists()


def test_a_file_just_over_the_limit_is_dropped_as_it_streams(client, requirement, member):
    """The request is small enough to be read, but the file passes 5 MB: the upload handler stops keeping it."""
    big = real_pdf() + b"%" + b"x" * (MAX_CERTIFICATE_BYTES + 1024 - len(real_pdf()))
    response = upload(client, requirement, "certificate.pdf", big)
    assert response.status_code == 413
    assert CERTIFICATE_TOO_BIG in response.content.decode()
    assert not ExternalCertificate.objects.exists()


def test_the_upload_still_needs_its_csrf_token(requirement, member):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    response = upload(strict, requirement, "certificate.pdf", real_pdf())
    assert response.status_code == 403
    assert not ExternalCertificate.objects.exists()
