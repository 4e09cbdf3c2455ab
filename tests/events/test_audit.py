"""Downloads that name people are written to Wagtail's audit log (Reports → Site history)."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from crm import roles

pytestmark = pytest.mark.django_db


def exports_logged(instance):
    return ModelLogEntry.objects.filter(
        action="events.export", object_id=str(instance.pk), content_type__model=instance._meta.model_name
    )


def test_register_downloads_are_logged_with_who_and_what(client, make_session, make_user):
    session = make_session(days=-1)
    trainer = make_user(roles.TRAINER)
    session.trainers.add(trainer)
    client.force_login(trainer)
    for _fmt, url in (
        ("csv", reverse("events:register_export", args=[session.pk, "csv"])),
        ("pdf", reverse("events:register_pdf", args=[session.pk])),
    ):
        assert client.get(url).status_code == 200
    entries = list(exports_logged(session).order_by("timestamp"))
    assert [(entry.user, entry.data["format"]) for entry in entries] == [(trainer, "csv"), (trainer, "pdf")]
    assert client.get(reverse("events:register", args=[session.pk])).status_code == 200
    assert exports_logged(session).count() == 2, "viewing the page is not a download"


def test_compliance_list_exports_are_logged_with_the_filters(client, team_admin, requirement):
    client.force_login(team_admin)
    response = client.get(f"/admin/training/compliance/{requirement.pk}/?status=not_started&export=xlsx")
    assert response.status_code == 200
    [entry] = exports_logged(requirement)
    assert entry.user == team_admin and entry.data["format"] == "xlsx" and "status=not_started" in entry.data["filters"]
    history = client.get("/admin/reports/site-history/")
    assert history.status_code == 200 and "Downloaded a list with names" in history.content.decode()
