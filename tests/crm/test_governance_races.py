"""The weekly email of open actions against the real PostgreSQL: several runs at the same moment send it once."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from crm import roles
from crm.governance.models import ActionDigest, Meeting, MeetingAction, MeetingSeries
from crm.governance.services import actions_weekly_send
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_four_runs_at_once_send_each_owner_one_email():
    owner = UserFactory(roles=[roles.PREVENT_ADMIN], email="owner@example.gov.uk")
    series = MeetingSeries.objects.create(name="Prevent Advisory Group", slug="pag")
    starts = timezone.now() - dt.timedelta(days=7)
    meeting = Meeting.objects.create(series=series, starts_at=starts, ends_at=starts + dt.timedelta(hours=2))
    MeetingAction.objects.create(
        meeting=meeting, description="Book the room", owner=owner, due_on=timezone.localdate() - dt.timedelta(days=1)
    )
    barrier = threading.Barrier(4)

    def run():
        try:
            connection.ensure_connection()
            barrier.wait(timeout=30)
            return actions_weekly_send()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        sent = list(pool.map(lambda _: run(), range(4)))
    assert sum(sent) == 1
    assert ActionDigest.objects.filter(user=owner).count() == 1
    assert [message.to for message in mail.outbox] == [["owner@example.gov.uk"]]
