"""`anju demo` leaves the warnings board with something to show."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from django.core.management import call_command

from anju.complaints.models import Complaint
from anju.demo.warnings_scene import _scene_end
from anju.warnings.models import Kind, Warning
from tests.warnings.conftest import SHANGHAI

pytestmark = pytest.mark.django_db


def test_the_demo_raises_a_repeat_a_hotspot_and_an_escalation_risk():
    call_command("demo", complaints=40, stdout=io.StringIO())

    repeat = Warning.objects.filter(kind=Kind.REPEAT, data__earlier__isnull=False).first()
    assert repeat is not None
    assert repeat.complaint.repeat_of is not None
    assert repeat.related.count() == 2
    hotspot = Warning.objects.get(kind=Kind.HOTSPOT, data__facility__isnull=False)
    assert hotspot.related.count() >= 3
    assert {c.category.code for c in hotspot.related.all()} == {"elevator"}
    risk = [w for w in Warning.objects.filter(kind=Kind.ESCALATION_RISK) if "住建局" in w.data["words"]]
    assert risk and {"12345", "媒体"} <= set(risk[0].data["words"])
    # Said again, nothing new: the sweep is idempotent.
    from anju.warnings.detectors import sweep

    assert sweep() == []
    assert Complaint.objects.filter(repeat_of__isnull=False).exists()


@pytest.mark.parametrize(("now", "end"), [
    ((15, 30), (15, 30)),  # afternoon: up to now
    ((22, 30), (21, 0)),   # late evening: up to 21:00 today
    ((9, 0), (21, 0)),     # morning: up to last evening
])
def test_the_scene_plays_at_daytime_hours(now, end):
    at = datetime(2026, 6, 10, *now, tzinfo=SHANGHAI)
    got = _scene_end(at).astimezone(SHANGHAI)
    assert (got.hour, got.minute) == end
    assert got <= at and (at - got).total_seconds() < 18 * 3600
