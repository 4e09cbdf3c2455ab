"""Certificates of attendance: printable HTML and PDF, with a code anyone can verify."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from wagtail.contrib.settings.context_processors import SettingProxy
from wagtail.models import Site

from crm.pdf import render_pdf

from .links import absolute_url
from .models import Attendance


def verify_url(attendance: Attendance) -> str:
    return absolute_url(f"{reverse('events:certificate_verify')}?code={attendance.certificate_code}")


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
    """The certificate page printed to PDF (A4 landscape, by its print styles): one layout for the page and the PDF.

    Printed by WeasyPrint (``crm.pdf``), which shapes and embeds fonts for every script, so a name
    such as Łukasz Żółć, Nguyễn Thị Minh Khai or محمد عبد الله prints as it is written.
    """
    return render_pdf("events/certificate.html", context(attendance, request), request)
