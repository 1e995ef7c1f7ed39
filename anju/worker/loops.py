"""Loops the worker runs beside its tasks and periodic jobs, registered by their apps.

The worker sits low in the layers (every app's ``tasks.py`` registers periodic jobs with
``anju.worker.schedule``), so it imports none of the apps whose work it runs. An app
with a loop of its own - the event bus's subscribers (``anju.bus``) - registers it from
its ``AppConfig.ready``: ``drain`` runs whatever is due now and returns (``anju worker
--once``), ``serve`` runs until the event it is given is set (a thread of ``anju worker``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Loop:
    name: str
    drain: Callable[[], Any]
    serve: Callable[[threading.Event], None]


LOOPS: dict[str, Loop] = {}


def loop(name: str, *, drain: Callable[[], Any], serve: Callable[[threading.Event], None]) -> None:
    """Register (or replace) the loop called ``name``; its thread is ``anju-<name>``."""
    LOOPS[name] = Loop(name=name, drain=drain, serve=serve)
