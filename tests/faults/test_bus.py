"""The event bus under faults, with real ``anju worker`` processes on PostgreSQL.

* a subscriber that raises is retried (with backoff) by the worker until it succeeds;
* one that keeps failing ends as a dead letter, listed in the admin, and retrying it works;
* a worker killed with SIGKILL in the middle of a subscriber's transaction loses nothing
  and doubles nothing once another worker has taken over;
* two workers started at the same moment on one backlog process each delivery once.

Waiting out a backoff, the test moves the delivery's ``available_at`` to now (the clock
of that row, not the code path, is what it skips).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from anju.bus import runner
from anju.bus.models import Delivery
from anju.complaints import services
from anju.complaints.events import Event
from anju.complaints.models import ComplaintEvent
from anju.notify.models import Message
from anju.sla.models import Checkpoint
from anju.triage.models import Suggestion
from tests.faults.conftest import intake, unfinished
from tests.faults.subscribers import FLAKY, FLAKY_ATTEMPTS, SLOW

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
S = Delivery.State


def markers(kind: str, event: ComplaintEvent | None = None) -> list[Message]:
    rows = Message.objects.filter(kind=kind)
    if event is not None:
        rows = rows.filter(subject=str(event.pk))
    return list(rows)


def pid_of(marker: Message) -> int:
    return int(marker.body.split("pid=")[1].split()[0])


def fast_forward(delivery: Delivery) -> None:
    """The backoff has passed (for this row)."""
    Delivery.objects.filter(pk=delivery.pk, state=S.PENDING).update(available_at=timezone.now())


def test_a_failing_subscriber_is_retried_by_the_worker_until_it_succeeds(
        agent, estate_a, fault_subscribers, faults_dir, workers, wait_for):
    fault_subscribers(FLAKY)
    (faults_dir / "fail").touch()
    complaint = intake(agent, estate_a)
    event = complaint.events.get(action=Event.RECEIVED)
    delivery = Delivery.objects.get(event=event, subscriber=FLAKY)
    workers.start()

    for attempt in (1, 2):
        wait_for(lambda a=attempt: Delivery.objects.filter(
            pk=delivery.pk, state=S.PENDING, attempts=a).exclude(last_error="").exists(),
            30, f"failed attempt {attempt}")
        delivery.refresh_from_db()
        assert "faults: the gateway is down" in delivery.last_error
        # Scheduled after the backoff (10 s, then 40 s), not straight away.
        assert delivery.available_at > timezone.now() + runner.backoff(attempt) - timedelta(seconds=5)
        assert not markers(FLAKY, event), "a failed attempt's writes were committed"
        if attempt == 2:
            (faults_dir / "fail").unlink()
        fast_forward(delivery)

    wait_for(lambda: Delivery.objects.filter(pk=delivery.pk, state=S.DONE).exists(), 30,
             "the third attempt to succeed")
    delivery.refresh_from_db()
    assert delivery.attempts == 3 and delivery.last_error == "" and delivery.finished_at
    assert len(markers(FLAKY, event)) == 1
    wait_for(lambda: unfinished() == 0, 30, "the other subscribers to finish")


def test_a_subscriber_that_keeps_failing_is_a_dead_letter_in_the_admin_and_retry_runs_it(
        agent, estate_a, admin_user, client, fault_subscribers, faults_dir, workers, wait_for):
    fault_subscribers(FLAKY)
    (faults_dir / "fail").touch()
    complaint = intake(agent, estate_a)
    event = complaint.events.get(action=Event.RECEIVED)
    delivery = Delivery.objects.get(event=event, subscriber=FLAKY)
    workers.start()

    for attempt in range(1, FLAKY_ATTEMPTS + 1):
        final = attempt == FLAKY_ATTEMPTS
        wait_for(lambda a=attempt, f=final: Delivery.objects.filter(
            pk=delivery.pk, state=S.DEAD if f else S.PENDING, attempts=a).exclude(last_error="").exists(),
            30, f"failed attempt {attempt}")
        if not final:
            fast_forward(delivery)
    delivery.refresh_from_db()
    assert delivery.finished_at and "faults: the gateway is down" in delivery.last_error
    assert not markers(FLAKY, event)
    assert runner.backlog()[S.DEAD] == 1
    wait_for(lambda: not Delivery.objects.exclude(state__in=[S.DONE, S.DEAD]).exists(), 30,
             "the other subscribers to finish")

    # The administrator sees it among the dead letters …
    client.force_login(admin_user)
    page = client.get("/admin/bus/delivery/", {"state__exact": S.DEAD})
    assert page.status_code == 200
    assert [d.pk for d in page.context["cl"].result_list] == [delivery.pk]
    assert FLAKY in page.content.decode()

    # … the cause is repaired, and one click queues it again; the worker runs it.
    (faults_dir / "fail").unlink()
    retried = client.post("/admin/bus/delivery/", {"action": "retry_dead",
                                                   "_selected_action": [delivery.pk]})
    assert retried.status_code == 302
    wait_for(lambda: Delivery.objects.filter(pk=delivery.pk, state=S.DONE).exists(), 30,
             "the retried dead letter to be processed")
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.last_error == ""
    assert len(markers(FLAKY, event)) == 1
    assert runner.backlog() == {S.PENDING: 0, S.RUNNING: 0, S.DEAD: 0}


def test_a_worker_killed_inside_a_subscriber_loses_nothing_and_the_next_worker_doubles_nothing(
        agent, estate_a, handler, departments, fault_subscribers, faults_dir, workers, wait_for):
    fault_subscribers(SLOW)
    complaints = [intake(agent, estate_a, i) for i in range(24)]
    dispatched = complaints[:6]
    for c in dispatched:
        services.complaint_verify(actor=agent, complaint_id=c.pk)
        services.complaint_assign(actor=agent, complaint_id=c.pk, department=departments["engineering"],
                                  handler=handler, plan="今天下午上门维修")
    received = list(ComplaintEvent.objects.filter(action=Event.RECEIVED).order_by("pk"))
    victim = received[10]
    expected = Delivery.objects.count()
    (faults_dir / "block").write_text(str(victim.pk))

    first = workers.start(ANJU_BUS_LEASE_SECONDS="4")
    wait_for(lambda: (faults_dir / "started").exists(), 40, "faults.slow to block on the victim")
    # In the middle of its transaction: the marker is written but not committed, the
    # delivery is claimed, and earlier deliveries are done.
    blocked = Delivery.objects.get(event=victim, subscriber=SLOW)
    assert blocked.state == S.RUNNING and blocked.attempts == 1
    assert not markers(SLOW, victim)
    assert Delivery.objects.filter(state=S.DONE).exists()
    assert Delivery.objects.filter(state=S.PENDING).exists()
    first.kill()
    assert first.process.returncode == -9
    (faults_dir / "block").unlink()

    second = workers.start(ANJU_BUS_LEASE_SECONDS="4")
    wait_for(lambda: unfinished() == 0, 60, "every delivery to be done after the restart",
             dead_ok=(first,))

    assert Delivery.objects.count() == expected
    assert set(Delivery.objects.values_list("state", flat=True)) == {S.DONE}
    blocked.refresh_from_db()
    assert blocked.attempts == 2  # claimed again once the killed worker's lease ended
    # Every subscriber's effect exactly once.
    slow = Counter(int(m.subject) for m in markers(SLOW))
    assert slow == Counter({e.pk: 1 for e in received})
    [redone] = markers(SLOW, victim)
    assert pid_of(redone) == second.pid
    suggested = Suggestion.objects.values_list("complaint_id", flat=True)
    assert sorted(suggested) == sorted(c.pk for c in complaints)
    armed = Counter(Checkpoint.objects.values_list("complaint_id", flat=True))
    assert set(armed) == {c.pk for c in complaints}
    bells = Message.objects.filter(kind="staff.assigned")
    assert sorted(bells.values_list("complaint_id", flat=True)) == sorted(c.pk for c in dispatched)
    assert set(bells.values_list("user_id", flat=True)) == {handler.pk}


def test_two_workers_racing_on_one_backlog_process_each_delivery_once(
        agent, estate_a, handler, departments, fault_subscribers, faults_dir, workers, wait_for):
    fault_subscribers(SLOW)
    complaints = [intake(agent, estate_a, i) for i in range(120)]
    dispatched = complaints[:40]
    for c in dispatched:
        services.complaint_verify(actor=agent, complaint_id=c.pk)
        services.complaint_assign(actor=agent, complaint_id=c.pk, department=departments["engineering"],
                                  handler=handler, plan="今天下午上门维修")
    events = ComplaintEvent.objects.filter(deliveries__isnull=False).distinct().count()
    assert events == 200
    expected = Delivery.objects.count()

    # Both workers load, then start at the same moment on the whole backlog.
    (faults_dir / "hold").touch()
    pair = [workers.start(), workers.start()]
    wait_for(lambda: all((faults_dir / f"ready-{w.pid}").exists() for w in pair), 40,
             "both workers to load")
    (faults_dir / "hold").unlink()
    wait_for(lambda: unfinished() == 0, 90, "the backlog to drain")

    assert Delivery.objects.count() == expected
    assert set(Delivery.objects.values_list("state", "attempts").distinct()) == {(S.DONE, 1)}, \
        "a delivery was claimed more than once"
    received = ComplaintEvent.objects.filter(action=Event.RECEIVED).values_list("pk", flat=True)
    slow = markers(SLOW)
    assert Counter(int(m.subject) for m in slow) == Counter({pk: 1 for pk in received})
    assert {pid_of(m) for m in slow} == {w.pid for w in pair}, "the two workers did not both work"
    assert Suggestion.objects.count() == len(complaints)
    bells = Message.objects.filter(kind="staff.assigned")
    assert sorted(bells.values_list("complaint_id", flat=True)) == sorted(c.pk for c in dispatched)
