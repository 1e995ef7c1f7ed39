"""Concurrency on PostgreSQL: real threads, each with its own connection, racing the services.

SQLite serialises every writer (``BEGIN IMMEDIATE``), so these races only mean something on
PostgreSQL, where row locks, the numbering upsert and the unique constraints do the work.
Each test starts its threads on a barrier so the calls really overlap.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection

from anju.complaints import services
from anju.complaints.models import Channel, Complaint, ComplaintEvent, Status
from anju.lib.errors import Conflict, IllegalTransition
from anju.notify.models import Message

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# A day no other test writes to, so the first intake of the day races on inserting its
# number-sequence row, not only on bumping it.
QUIET_DAY = dt.datetime(2031, 3, 14, 10, 0, tzinfo=dt.UTC)


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None


def run_together(calls: list[Callable[[], Any]], timeout: float = 60) -> list[Outcome]:
    """Run each call in its own thread, all released at once; return what each got."""
    barrier = threading.Barrier(len(calls))
    outcomes = [Outcome() for _ in calls]

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=timeout)
            outcomes[index].value = calls[index]()
        except BaseException as exc:  # reported to the test thread
            outcomes[index].error = exc
        finally:
            connection.close()  # each thread opened its own connection

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a thread is stuck: a deadlock or a lost wake-up"
    return outcomes


def intake(actor, estate, **extra):
    kwargs = {"actor": actor, "channel": Channel.PHONE, "estate": estate,
              "description": "楼道灯坏了，晚上很黑", "contact_phone": "13800001111"}
    kwargs.update(extra)
    return services.complaint_create(**kwargs)


def events_of(complaint) -> list[ComplaintEvent]:
    return list(ComplaintEvent.objects.filter(complaint=complaint).order_by("pk"))


def test_same_version_verify_and_refer_out_let_exactly_one_through(agent, manager, estate_a):
    for _round in range(5):
        complaint = intake(agent, estate_a).complaint
        outcomes = run_together([
            lambda c=complaint: services.complaint_verify(actor=agent, complaint_id=c.pk, version=1),
            lambda c=complaint: services.complaint_refer_out(
                actor=manager, complaint_id=c.pk, reason="属于市政道路", advice="请联系街道办", version=1),
        ])

        winners = [o for o in outcomes if o.error is None]
        losers = [o for o in outcomes if o.error is not None]
        assert len(winners) == 1 and len(losers) == 1
        assert isinstance(losers[0].error, Conflict)
        complaint.refresh_from_db()
        assert complaint.version == 2
        assert complaint.status == winners[0].value.status
        trail = events_of(complaint)
        assert [e.action for e in trail][:1] == ["complaint.received"]
        assert len(trail) == 2 and trail[1].to_status == complaint.status


def test_the_same_agent_verifying_twice_at_once_records_one_verification(agent, estate_a):
    for _round in range(5):
        complaint = intake(agent, estate_a).complaint
        verify = lambda c=complaint: services.complaint_verify(actor=agent, complaint_id=c.pk)  # noqa: E731
        outcomes = run_together([verify, verify])

        assert sorted(type(o.error).__name__ for o in outcomes) == ["IllegalTransition", "NoneType"]
        complaint.refresh_from_db()
        assert complaint.status == Status.VERIFIED and complaint.version == 2
        assert [e.action for e in events_of(complaint)] == ["complaint.received", "complaint.verify"]


def test_verify_and_refer_out_without_version_are_applied_one_after_the_other(agent, manager, estate_a):
    for _round in range(5):
        complaint = intake(agent, estate_a).complaint
        outcomes = run_together([
            lambda c=complaint: services.complaint_verify(actor=agent, complaint_id=c.pk),
            lambda c=complaint: services.complaint_refer_out(
                actor=manager, complaint_id=c.pk, reason="属于市政道路", advice="请联系街道办"),
        ])
        verified, referred = outcomes

        # Refer-out is allowed from verified, verify is not allowed from referred out:
        # either both apply in that order, or refer-out wins and verify is refused.
        assert referred.error is None
        assert verified.error is None or isinstance(verified.error, IllegalTransition)
        complaint.refresh_from_db()
        assert complaint.status == Status.REFERRED_OUT
        trail = events_of(complaint)
        assert complaint.version == len(trail)
        for before, after in itertools.pairwise(trail):
            assert after.from_status == before.to_status, "a transition started from a stale status"
        expected = ["complaint.received", "complaint.verify", "complaint.refer_out"]
        if verified.error is not None:
            expected.remove("complaint.verify")
        assert [e.action for e in trail] == expected


def test_eight_simultaneous_notes_are_all_kept_and_each_bumps_the_version(agent, estate_a):
    complaint = intake(agent, estate_a).complaint
    outcomes = run_together([
        lambda i=i: services.complaint_add_note(actor=agent, complaint_id=complaint.pk, note=f"回访记录 {i}")
        for i in range(8)
    ])

    assert [o.error for o in outcomes] == [None] * 8
    complaint.refresh_from_db()
    assert complaint.version == 9, "a concurrent transition overwrote another's version bump"
    notes = [e.note for e in events_of(complaint) if e.action == "complaint.note"]
    assert sorted(notes) == sorted(f"回访记录 {i}" for i in range(8))


def test_fifty_simultaneous_intakes_get_fifty_distinct_numbers(agent, estate_a):
    outcomes = run_together([lambda: intake(agent, estate_a, now=QUIET_DAY)] * 50)

    assert [o.error for o in outcomes] == [None] * 50
    numbers = {o.value.complaint.number for o in outcomes}
    assert numbers == {f"TS20310314{n:04d}" for n in range(1, 51)}
    stored = Complaint.objects.filter(number__in=numbers)
    assert stored.count() == 50
    assert ComplaintEvent.objects.filter(complaint__in=stored, action="complaint.received").count() == 50
    assert Message.objects.filter(complaint__in=stored, kind="complaint.received").count() == 50


def test_ten_threads_filing_five_each_lose_nothing(agent, estate_a):
    def five():
        return [intake(agent, estate_a).complaint.number for _ in range(5)]

    outcomes = run_together([five] * 10)

    assert [o.error for o in outcomes] == [None] * 10
    numbers = [n for o in outcomes for n in o.value]
    assert len(set(numbers)) == 50
    assert Complaint.objects.filter(number__in=numbers).count() == 50
    assert Message.objects.filter(complaint__number__in=numbers).count() == 50


def test_racing_retries_with_one_idempotency_key_record_one_complaint(agent, estate_a):
    outcomes = run_together([lambda: intake(agent, estate_a, idempotency_key="call-4711")] * 8)

    assert [o.error for o in outcomes] == [None] * 8
    assert len({o.value.complaint.number for o in outcomes}) == 1
    assert sum(o.value.created for o in outcomes) == 1
    complaint = Complaint.objects.get(idempotency_key="call-4711")
    assert [e.action for e in events_of(complaint)] == ["complaint.received"]
    assert Message.objects.filter(complaint=complaint).count() == 1


def test_one_idempotency_key_used_by_two_agents_records_two_complaints(agent, manager, estate_a):
    outcomes = run_together([lambda: intake(agent, estate_a, idempotency_key="k-1"),
                             lambda: intake(manager, estate_a, idempotency_key="k-1")] * 3)

    assert [o.error for o in outcomes] == [None] * 6
    assert Complaint.objects.filter(idempotency_key="k-1").count() == 2
    assert len({o.value.complaint.number for o in outcomes}) == 2
