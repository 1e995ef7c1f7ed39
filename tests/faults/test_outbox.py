"""The outbox under faults, with real ``anju worker`` processes on PostgreSQL.

The SMS backend of the workers (``tests.faults.sms.RecordingSMS``) appends one line per
message it accepts to ``sends.log``, so sends are counted outside the database.

* a worker killed with SIGKILL while a provider call hangs leaves that message claimed;
  after the claim's lease another worker sends it, and every message is sent once;
* two workers delivering the same outbox at the same moment send each message once;
* a message claimed late in a long delivery run still gets a whole lease, so another
  worker does not send it a second time while the first is still sending it.

A kill between the provider's acceptance and the row's ``sent`` cannot be told apart
from one before it: that message is sent again (at least once, as for any provider
without an idempotency key). The kill here happens before the provider accepted.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from anju.notify import delivery
from anju.notify.channels import sms_backend
from anju.notify.models import Attempt, Message
from anju.notify.services import message_enqueue
from anju.notify.tasks import deliver_outbox

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
KIND = "fault.sms"


def enqueue(n: int) -> list[str]:
    bodies = [f"故障测试短信 {i:04d}" for i in range(n)]
    for i, body in enumerate(bodies):
        message_enqueue(channel=Message.Channel.SMS, recipient=f"1390000{i:04d}", kind=KIND, body=body)
    return bodies


def sends(folder: Path) -> list[tuple[int, str]]:
    """(pid, body) of every message the backend accepted, in order."""
    log = folder / "sends.log"
    if not log.exists():
        return []
    return [(int(pid), body) for pid, body in
            (line.split(" ", 1) for line in log.read_text().splitlines())]


def all_sent() -> bool:
    return not Message.objects.filter(kind=KIND).exclude(state=Message.State.SENT).exists()


def test_a_worker_killed_mid_send_leaves_the_message_to_the_next_worker_and_each_is_sent_once(
        faults_dir, workers, wait_for):
    bodies = enqueue(20)
    victim = bodies[7]
    (faults_dir / "block-sms").write_text(victim)

    # The outbox's lease, 2 minutes in production, is 3 s in these workers.
    first = workers.start(ANJU_FAULTS_OUTBOX_LEASE_SECONDS="3")
    wait_for(lambda: (faults_dir / "sms-started").exists(), 40, "the send of the victim to hang")
    hung = Message.objects.get(kind=KIND, body=victim)
    assert hung.state == Message.State.SENDING
    assert [body for _pid, body in sends(faults_dir) if body in bodies] == bodies[:7]
    first.kill()
    assert first.process.returncode == -9
    (faults_dir / "block-sms").unlink()

    second = workers.start(ANJU_FAULTS_OUTBOX_LEASE_SECONDS="3")
    wait_for(all_sent, 60, "every message to be sent after the restart", dead_ok=(first,))

    sent = [(pid, body) for pid, body in sends(faults_dir) if body in bodies]
    assert Counter(body for _pid, body in sent) == Counter(bodies), "a message was lost or sent twice"
    assert (second.pid, victim) in sent
    ok = Attempt.objects.filter(message__kind=KIND, ok=True)
    assert Counter(ok.values_list("message__body", flat=True)) == Counter(bodies)
    assert not Attempt.objects.filter(message__kind=KIND, ok=False).exists()


def test_two_workers_delivering_the_same_outbox_at_once_send_each_message_once(
        faults_dir, workers, wait_for):
    bodies = enqueue(300)
    # Two delivery runs queued before the workers start: each worker takes one as soon as
    # both are released, so both walk the same due rows at the same moment.
    deliver_outbox.enqueue()
    deliver_outbox.enqueue()
    (faults_dir / "hold").touch()
    pair = [workers.start(ANJU_FAULTS_SMS_DELAY="0.005"), workers.start(ANJU_FAULTS_SMS_DELAY="0.005")]
    wait_for(lambda: all((faults_dir / f"ready-{w.pid}").exists() for w in pair), 40,
             "both workers to load")
    (faults_dir / "hold").unlink()
    wait_for(all_sent, 90, "every message to be sent")

    sent = [(pid, body) for pid, body in sends(faults_dir) if body in bodies]
    doubled = [body for body, n in Counter(body for _pid, body in sent).items() if n > 1]
    assert not doubled, f"{len(doubled)} messages sent twice, e.g. {doubled[:3]}"
    assert sorted(body for _pid, body in sent) == bodies
    assert {pid for pid, _body in sent} == {w.pid for w in pair}, "the two workers did not both send"
    assert set(Message.objects.filter(kind=KIND).values_list("attempts", flat=True)) == {1}


def test_a_message_claimed_late_in_a_long_run_still_gets_a_whole_lease(
        faults_dir, workers, wait_for, settings, monkeypatch):
    bodies = enqueue(30)
    slow = bodies[15]
    (faults_dir / "slow-sms").write_text(slow)
    lease = 3
    # 0.25 s per send: the run reaches the 16th message about 4 s (more than a lease)
    # after it started; that send takes 2.5 s, less than a lease.
    first = workers.start(ANJU_FAULTS_OUTBOX_LEASE_SECONDS=str(lease), ANJU_FAULTS_SMS_DELAY="0.25",
                          ANJU_FAULTS_SLOW_SECONDS="2.5")
    wait_for(lambda: (faults_dir / "sms-started").exists(), 40, "the slow send to start")
    assert Message.objects.get(kind=KIND, body=slow).state == Message.State.SENDING

    # A second worker's delivery run meanwhile: this process, same code, backend and lease.
    monkeypatch.setenv("ANJU_FAULTS_DIR", str(faults_dir))
    monkeypatch.setattr(delivery, "LEASE", timedelta(seconds=lease))
    settings.ANJU_SMS_BACKEND = "tests.faults.sms.RecordingSMS"
    sms_backend.cache_clear()
    try:
        delivery.deliver_due()
    finally:
        sms_backend.cache_clear()
    wait_for(lambda: all_sent() and (first.pid, slow) in sends(faults_dir), 60,
             "every message to be sent and the slow send to end")

    sent = Counter(body for _pid, body in sends(faults_dir) if body in bodies)
    assert sent == Counter(bodies), f"sent twice: {[b for b, n in sent.items() if n > 1]}"
