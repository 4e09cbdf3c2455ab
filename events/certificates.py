"""Certificates of attendance: printable HTML and PDF, with a code anyone can verify."""

from __future__ import annotations

import io

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas
from wagtail.contrib.settings.context_processors import SettingProxy
from wagtail.models import Site

from .models import Attendance


def verify_url(attendance: Attendance) -> str:
    return f"{settings.PORTAL_BASE_URL}{reverse('events:certificate_verify')}?code={attendance.certificate_code}"


def team_name(site) -> str:
    """The team's name from the site settings, read the way templates read them (through the context)."""
    if site is None:
        return "Prevent team"
    return render_to_string("includes/team_name.txt", {"settings": SettingProxy(site)}).strip() or "Prevent team"


def context(attendance: Attendance, request=None) -> dict:
    site = Site.find_for_request(request) if request else Site.objects.filter(is_default_site=True).first()
    return {
        "attendance": attendance,
        "name": attendance.display_name,
        "course": attendance.session.course,
        "date": timezone.localtime(attendance.session.starts_at),
        "code": attendance.certificate_code,
        "verify_url": verify_url(attendance),
        "team_name": team_name(site),
    }


def pdf(attendance: Attendance, request=None) -> bytes:
    """An A4 landscape certificate drawn with ReportLab."""
    data = context(attendance, request)
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf_canvas = canvas.Canvas(buffer, pagesize=(width, height))
    pdf_canvas.setTitle(f"Certificate of attendance - {data['course'].title}")
    pdf_canvas.setAuthor(data["team_name"])
    pdf_canvas.setStrokeColor(HexColor("#0d6efd"))
    pdf_canvas.setLineWidth(6)
    pdf_canvas.rect(30, 30, width - 60, height - 60)
    centre = width / 2
    pdf_canvas.setFont("Helvetica-Bold", 30)
    pdf_canvas.drawCentredString(centre, height - 130, "Certificate of attendance")
    pdf_canvas.setFont("Helvetica", 16)
    pdf_canvas.drawCentredString(centre, height - 190, "This is to certify that")
    pdf_canvas.setFont("Helvetica-Bold", 26)
    pdf_canvas.drawCentredString(centre, height - 235, data["name"])
    pdf_canvas.setFont("Helvetica", 16)
    pdf_canvas.drawCentredString(centre, height - 280, "attended")
    pdf_canvas.setFont("Helvetica-Bold", 20)
    pdf_canvas.drawCentredString(centre, height - 320, data["course"].title)
    pdf_canvas.setFont("Helvetica", 16)
    pdf_canvas.drawCentredString(centre, height - 360, f"on {data['date']:%-d %B %Y}")
    pdf_canvas.drawCentredString(centre, height - 400, f"delivered by the {data['team_name']}")
    pdf_canvas.setFont("Helvetica", 11)
    pdf_canvas.drawCentredString(centre, 80, f"Verification code: {data['code']}")
    pdf_canvas.drawCentredString(centre, 62, f"Check it at {data['verify_url']}")
    pdf_canvas.showPage()
    pdf_canvas.save()
    return buffer.getvalue()
