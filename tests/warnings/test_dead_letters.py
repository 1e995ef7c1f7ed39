"""Work that failed for good is a warning about its complaint, retried with one click."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from anju.bus import registry, runner
from anju.bus.models import Delivery
from anju.complaints.events import Event
from anju.warnings.models import Kind, Warning

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def broken_subscriber():
    state = {"broken": True}

    def fn(event):
        if state["broken"]:
            raise RuntimeError("WeCom said 93000: invalid webhook url")

    registry.subscriber("tests.alert", Event.RECEIVED, max_attempts=2)(fn)
    yield state
    registry.remove("tests.alert")


def signed_in(user):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def fail_for_good():
    later = timezone.now()
    for _ in range(3):
        later += timedelta(hours=1)
        runner.drain(now=later)


def test_a_dead_letter_raises_a_warning_that_one_click_retries(broken_subscriber, new_complaint,
                                                               manager, handler):
    complaint = new_complaint()
    fail_for_good()
    delivery = Delivery.objects.get(subscriber="tests.alert")
    assert delivery.state == Delivery.State.DEAD
    warning = Warning.objects.get(kind=Kind.DEAD_LETTER)
    assert warning.complaint == complaint and warning.data["delivery"] == delivery.pk

    page = signed_in(manager).get("/console/warnings/").content.decode()
    assert "Background work failed" in page and complaint.number in page
    assert "invalid webhook url" in page and "tests.alert" in page
    assert f"/console/warnings/{warning.pk}/retry/" in page

    # A handler does not watch warnings; nobody outside the warning's reach may retry it.
    assert signed_in(handler).post(f"/console/warnings/{warning.pk}/retry/").status_code in (403, 404)
    assert Delivery.objects.get(pk=delivery.pk).state == Delivery.State.DEAD

    broken_subscriber["broken"] = False
    response = signed_in(manager).post(f"/console/warnings/{warning.pk}/retry/",
                                          {"next": "/console/warnings/"})
    assert response.status_code == 302
    warning.refresh_from_db()
    assert warning.acknowledged_by == manager
    assert Delivery.objects.get(pk=delivery.pk).state == Delivery.State.PENDING
    runner.drain()
    assert Delivery.objects.get(pk=delivery.pk).state == Delivery.State.DONE


def test_failing_again_after_a_retry_raises_a_new_warning(broken_subscriber, new_complaint, manager):
    new_complaint()
    fail_for_good()
    first = Warning.objects.get(kind=Kind.DEAD_LETTER)
    signed_in(manager).post(f"/console/warnings/{first.pk}/retry/")
    fail_for_good()
    assert Warning.objects.filter(kind=Kind.DEAD_LETTER).count() == 2
    assert Warning.objects.filter(kind=Kind.DEAD_LETTER, acknowledged_at__isnull=True).count() == 1


def test_only_dead_letter_warnings_can_be_retried(new_complaint, manager):
    from anju.warnings.services import Draft, raise_warnings

    complaint = new_complaint()
    [other] = raise_warnings([Draft(kind=Kind.REPEAT, key="r1", reason_code="repeat",
                                    complaint_id=complaint.pk, estate_id=complaint.estate_id)])
    assert signed_in(manager).post(f"/console/warnings/{other.pk}/retry/").status_code == 404
