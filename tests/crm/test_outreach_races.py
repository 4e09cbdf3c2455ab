"""Double taps against the real PostgreSQL: the same visit sent by several requests at the same moment."""

import datetime as dt
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from crm import roles
from crm.outreach.models import OutreachVisit
from crm.outreach.services import outreach_visit_log
from tests.factories import UserFactory, WardFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_eight_requests_with_one_uuid_make_one_visit():
    officer = UserFactory(roles=[roles.OUTREACH_OFFICER])
    ward = WardFactory(name="Wormholt")
    reference = uuid.uuid4()
    barrier = threading.Barrier(8)

    def send():
        try:
            connection.ensure_connection()
            barrier.wait(timeout=30)
            visit, created = outreach_visit_log(
                officer=officer,
                uuid=reference,
                visited_at=timezone.now() - dt.timedelta(hours=1),
                ward=ward,
                contact_type="face_to_face",
                activity="community_stall",
                people_engaged=10,
            )
            return visit.pk, created
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(lambda _: send(), range(8)))
    assert OutreachVisit.objects.filter(uuid=reference).count() == 1
    assert sum(created for _pk, created in outcomes) == 1
    assert {pk for pk, _created in outcomes} == {OutreachVisit.objects.get().pk}
