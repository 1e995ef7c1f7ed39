"""The event bus: every committed event is processed once by each of its subscribers,
retried on failure, kept as a dead letter after the last attempt, never doubled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from anju.bus import registry, runner
from anju.bus.models import Delivery
from anju.complaints import services
from anju.complaints.events import Event
from anju.complaints.models import Complaint, ComplaintEvent, Urgency

pytestmark = pytest.mark.django_db
S = Delivery.State


@pytest.fixture
def subscribe():
    """Register test subscribers for one test (the real ones stay registered)."""
    added = []

    def add(name, *events, max_attempts=registry.MAX_ATTEMPTS):
        def register(fn):
            registry.subscriber(name, *events, max_attempts=max_attempts)(fn)
            added.append(name)
            return fn
        return register

    yield add
    for name in added:
        registry.remove(name)


def later(seconds):
    return timezone.now() + timedelta(seconds=seconds)


def test_a_change_records_one_delivery_per_subscriber_of_its_event(new_complaint, agent):
    complaint = new_complaint()
    received = complaint.events.get(action=Event.RECEIVED)
    names = set(received.deliveries.values_list("subscriber", flat=True))
    assert names == {s.name for s in registry.subscribers_for(Event.RECEIVED)}
    assert {"sla.checkpoints", "triage.suggestion", "warnings.patterns"} <= names
    assert set(received.deliveries.values_list("state", flat=True)) == {S.PENDING}
    services.complaint_add_note(actor=agent, complaint_id=complaint.pk, note="已电话联系")
    note = complaint.events.get(action=Event.NOTE)
    assert not registry.subscribers_for(Event.NOTE) and not note.deliveries.exists()


def test_a_rolled_back_change_leaves_no_delivery(new_complaint, agent):
    complaint = new_complaint()
    before = Delivery.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.complaint_verify(actor=agent, complaint_id=complaint.pk)
        assert Delivery.objects.count() > before
        raise RuntimeError("the request failed after the change")
    assert Delivery.objects.count() == before
    assert not ComplaintEvent.objects.filter(complaint=complaint, action=Event.VERIFY).exists()


def test_each_subscriber_receives_the_event_itself_once(new_complaint, subscribe):
    seen = []
    subscribe("tests.seen", Event.RECEIVED)(lambda event: seen.append((event.pk, event.action)))
    complaint = new_complaint()
    event = complaint.events.get(action=Event.RECEIVED)
    assert runner.drain() >= 1
    assert seen == [(event.pk, "complaint.received")]
    assert runner.drain() == 0  # done is done
    assert seen == [(event.pk, "complaint.received")]
    assert set(Delivery.objects.values_list("state", flat=True)) == {S.DONE}


def test_urgent_complaints_are_claimed_before_the_rest(new_complaint, subscribe):
    order = []
    subscribe("tests.order", Event.RECEIVED)(lambda event: order.append(event.complaint.urgency))
    for _ in range(3):
        new_complaint(description="小区绿化带杂草太多，请安排修剪")
    new_complaint(description="楼道里有人晕倒了", urgency=Urgency.URGENT)
    runner.drain()
    assert order == [Urgency.URGENT, Urgency.NORMAL, Urgency.NORMAL, Urgency.NORMAL]


def test_a_failing_subscriber_is_retried_with_backoff_and_its_writes_roll_back(new_complaint, subscribe):
    calls = []

    @subscribe("tests.flaky", Event.RECEIVED)
    def flaky(event):
        calls.append(1)
        Complaint.objects.filter(pk=event.complaint_id).update(title="half-done")
        if len(calls) < 3:
            raise ConnectionError("the gateway is down")

    complaint = new_complaint()
    runner.drain()
    delivery = Delivery.objects.get(subscriber="tests.flaky")
    assert delivery.state == S.PENDING and delivery.attempts == 1
    assert "the gateway is down" in delivery.last_error
    assert delivery.available_at > timezone.now() + timedelta(seconds=5)  # backoff
    complaint.refresh_from_db()
    assert complaint.title != "half-done"  # the failed attempt's writes were rolled back
    # Other subscribers of the same event were not held up by it.
    assert not Delivery.objects.filter(state=S.PENDING).exclude(subscriber="tests.flaky").exists()

    runner.drain(now=later(15))
    delivery.refresh_from_db()
    assert delivery.state == S.PENDING and delivery.attempts == 2
    assert delivery.available_at > later(30)  # the wait grows
    runner.drain(now=later(3600))
    delivery.refresh_from_db()
    assert delivery.state == S.DONE and delivery.attempts == 3 and delivery.last_error == ""
    assert len(calls) == 3
    complaint.refresh_from_db()
    assert complaint.title == "half-done"


def test_a_permanent_failure_becomes_a_dead_letter_that_one_click_retries(new_complaint, subscribe):
    broken = {"on": True}

    @subscribe("tests.broken", Event.RECEIVED, max_attempts=3)
    def fails(event):
        if broken["on"]:
            raise ValueError("template missing")

    new_complaint()
    for hours in range(4):
        runner.drain(now=later(3600 * (hours + 1)))
    delivery = Delivery.objects.get(subscriber="tests.broken")
    assert delivery.state == S.DEAD and delivery.attempts == 3 and delivery.finished_at
    assert "template missing" in delivery.last_error
    assert runner.backlog()[S.DEAD] == 1
    assert runner.drain(now=later(10 * 3600)) == 0  # dead letters are not retried by themselves

    broken["on"] = False
    assert runner.retry([delivery.pk]) == 1
    assert runner.drain() == 1
    delivery.refresh_from_db()
    assert delivery.state == S.DONE
    assert runner.backlog()[S.DEAD] == 0


def test_a_lease_that_ran_out_is_claimed_again_and_the_late_worker_loses_its_work(
        new_complaint, subscribe):
    def count(event):  # a write, so that a rollback shows
        Complaint.objects.filter(pk=event.complaint_id).update(reopen_count=F("reopen_count") + 1)

    subscribe("tests.once", Event.RECEIVED)(count)
    complaint = new_complaint()
    [first] = [c for c in runner.claim(50) if c.subscriber == "tests.once"]
    # The first worker died (or hangs) without finishing: nothing is claimable until its
    # lease ends, then another worker takes the delivery.
    assert not [c for c in runner.claim(50) if c.subscriber == "tests.once"]
    [second] = [c for c in runner.claim(50, now=later(runner.lease_length().total_seconds() + 1))
                if c.subscriber == "tests.once"]
    assert second.lease != first.lease and second.attempts == 2
    assert runner.process(first) == S.RUNNING  # too late: rolled back, not marked done
    complaint.refresh_from_db()
    assert complaint.reopen_count == 0
    assert runner.process(second) == S.DONE
    complaint.refresh_from_db()
    assert complaint.reopen_count == 1
    assert Delivery.objects.get(subscriber="tests.once").state == S.DONE


def test_a_delivery_whose_worker_keeps_dying_ends_as_a_dead_letter(new_complaint, subscribe):
    subscribe("tests.killer", Event.RECEIVED, max_attempts=2)(lambda event: None)
    new_complaint()
    lease = runner.lease_length().total_seconds()
    for n in range(1, 3):
        assert [c for c in runner.claim(50, now=later((lease + 1) * n)) if c.subscriber == "tests.killer"]
    [third] = [c for c in runner.claim(50, now=later((lease + 1) * 3)) if c.subscriber == "tests.killer"]
    assert runner.process(third) == S.DEAD
    assert "Lease ended 2 times" in Delivery.objects.get(subscriber="tests.killer").last_error


def test_a_delivery_for_a_subscriber_that_no_longer_exists_is_a_dead_letter(new_complaint, subscribe):
    subscribe("tests.gone", Event.RECEIVED)(lambda event: None)
    new_complaint()
    registry.remove("tests.gone")
    runner.drain()
    gone = Delivery.objects.get(subscriber="tests.gone")
    assert gone.state == S.DEAD and "No subscriber named" in gone.last_error


def test_in_eager_mode_the_subscribers_run_right_after_the_commit(
        settings, new_complaint, subscribe, django_capture_on_commit_callbacks):
    settings.ANJU_BUS_EAGER = True
    seen = []
    subscribe("tests.eager", Event.RECEIVED)(lambda event: seen.append(event.complaint_id))
    with django_capture_on_commit_callbacks(execute=True):
        complaint = new_complaint()
    assert seen == [complaint.pk]
    assert Delivery.objects.get(subscriber="tests.eager").state == S.DONE


def test_a_batch_reads_its_events_once_and_each_subscriber_gets_its_own_copy(new_complaint, subscribe,
                                                                            monkeypatch):
    seen = []

    @subscribe("tests.a_meddler", Event.RECEIVED)
    def meddle(event):
        event.complaint.title = "changed in memory"
        event.data["meddled"] = True

    subscribe("tests.b_reader", Event.RECEIVED)(
        lambda event: seen.append((event.complaint.title == "changed in memory", "meddled" in event.data)))
    complaints = [new_complaint() for _ in range(3)]
    reads = []
    load = runner.load_events
    monkeypatch.setattr(runner, "load_events", lambda ids: reads.append(set(ids)) or load(ids))

    ran = runner.drain()
    assert ran == 3 * len(registry.subscribers_for(Event.RECEIVED))
    assert len(reads) == -(-ran // runner.BATCH)  # one read per claimed batch, none per delivery
    assert set().union(*reads) == set(ComplaintEvent.objects.filter(
        complaint__in=complaints).values_list("pk", flat=True))
    assert seen == [(False, False)] * 3  # the meddler's changes stayed in its own copy
    assert set(Delivery.objects.values_list("state", flat=True)) == {S.DONE}
