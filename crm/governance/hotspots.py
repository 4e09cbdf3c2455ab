"""PAG concerns in the ward hot-spot grid (``crm.hotspots``): one per concern, by ward and the day it was raised.

Borough-wide concerns have no ward, so they are not in a grid of wards: the measure's note says so
on the page (they are counted in the admin's list of concerns instead).
"""

from __future__ import annotations

from django.utils import timezone

from crm.hotspots import HotspotMeasure

from .models import CommunityConcern

BOROUGH_WIDE_NOTE = "Concerns raised as borough-wide have no ward, so they are not in this grid."


def concern_rows(*, start, end, filters):
    """``(ward_id, raised_on, 1)`` for each concern with a ward raised in ``[start, end)``; filters do not apply."""
    concerns = CommunityConcern.objects.filter(
        ward__isnull=False,
        raised_on__gte=timezone.localtime(start).date(),
        raised_on__lt=timezone.localtime(end).date(),
    )
    return ((ward, day, 1) for ward, day in concerns.order_by().values_list("ward_id", "raised_on"))


PAG_CONCERNS = HotspotMeasure("pag_concerns", "PAG concerns", concern_rows, filters=frozenset(), note=BOROUGH_WIDE_NOTE)
