"""Issue 10, item 8 (in part): personal pages are never kept by a browser or a shared proxy cache.

A council PC is shared: My training, My account, a person's certificates, tickets and
calendar feed must come with ``Cache-Control: private, no-store``.
"""

import pytest
from django.urls import reverse

from crm import roles
from events.models import AttendanceMethod
from events.services import attendance_record, booking_create, calendar_subscription_reset

pytestmark = pytest.mark.django_db


def test_personal_pages_are_private_and_never_stored(client, make_session, make_user):
    person = make_user(roles.LEARNER)
    coming = booking_create(session=make_session(days=5), user=person)
    past = make_session(days=-5)
    attendance, _ = attendance_record(session=past, user=person, method=AttendanceMethod.REGISTER)
    subscription = calendar_subscription_reset(user=person)
    client.force_login(person)
    pages = [
        reverse("events:my_training"),
        reverse("portal:account"),
        reverse("events:booking_ics", args=[coming.pk]),
        reverse("events:booking_cancel", args=[coming.pk]),
        reverse("events:certificate", args=[attendance.pk]),
        reverse("events:certificate_pdf", args=[attendance.pk]),
        reverse("events:personal_feed", args=[subscription.token]),
        reverse("events:ticket", args=[coming.ticket_token]),
        reverse("events:ticket_qr", args=[coming.ticket_token]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        directives = {part.strip() for part in response.headers.get("Cache-Control", "").split(",")}
        assert {"private", "no-store"} <= directives, (url, response.headers.get("Cache-Control"))
