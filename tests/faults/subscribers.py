"""Test subscribers of the fault tests, registered in the worker subprocesses by
``tests.faults.app`` and, for the deliveries to be recorded, in the test process itself
(``register``), which writes the events.

Both write one marker row per attempt that commits — a notify ``Message`` of their own
kind, already ``sent`` so the outbox leaves it alone — whose body names the event, the
worker's process id and a random token. Exactly one marker per event proves that exactly
one attempt committed.

The test steers them with files in ``ANJU_FAULTS_DIR``:

* ``block``: holds an event id; ``faults.slow`` on that event writes its marker, creates
  ``started`` and sleeps in the middle of its transaction (until the test kills it);
* ``fail``: while it exists, ``faults.flaky`` writes its marker and raises.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from django.utils import timezone

from anju.bus import registry
from anju.complaints.events import Event
from anju.complaints.models import ComplaintEvent
from anju.notify.models import Message

SLOW, FLAKY = "faults.slow", "faults.flaky"
FLAKY_ATTEMPTS = 3


def _folder() -> Path | None:
    folder = os.environ.get("ANJU_FAULTS_DIR")
    return Path(folder) if folder else None


def write_marker(event: ComplaintEvent, kind: str) -> Message:
    now = timezone.now()
    return Message.objects.create(
        channel=Message.Channel.IN_APP, recipient="", kind=kind, subject=str(event.pk),
        body=f"event={event.pk} pid={os.getpid()} token={uuid.uuid4().hex}",
        complaint_id=event.complaint_id, state=Message.State.SENT, sent_at=now, created_at=now)


def slow(event: ComplaintEvent) -> None:
    write_marker(event, SLOW)
    folder = _folder()
    block = folder / "block" if folder else None
    if block is not None and block.exists() and block.read_text().strip() == str(event.pk):
        (block.parent / "started").write_text(str(os.getpid()))
        time.sleep(60)  # the test kills us long before this ends


def flaky(event: ComplaintEvent) -> None:
    write_marker(event, FLAKY)
    folder = _folder()
    if folder is not None and (folder / "fail").exists():
        raise RuntimeError("faults: the gateway is down")


SPECS = {
    SLOW: (slow, (Event.RECEIVED,), registry.MAX_ATTEMPTS),
    FLAKY: (flaky, (Event.RECEIVED,), FLAKY_ATTEMPTS),
}


def register(name: str) -> None:
    fn, events, max_attempts = SPECS[name]
    registry.subscriber(name, *events, max_attempts=max_attempts)(fn)


def register_all() -> None:
    for name in SPECS:
        register(name)
