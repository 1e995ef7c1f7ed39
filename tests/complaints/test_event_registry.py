"""One registry of event types (``anju/complaints/events.py``), kept honest."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from anju.bus import registry
from anju.complaints import hooks, transitions
from anju.complaints.events import LABELS, NOT_TRANSITIONS, Event

ANJU = Path(__file__).resolve().parents[2] / "anju"
DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_transition_has_its_event_and_every_other_event_is_declared_as_such():
    assert {t.event for t in transitions.TABLE.values()} == set(Event) - NOT_TRANSITIONS
    for event in Event:
        assert (event.action is None) == (event in NOT_TRANSITIONS)
        if event.action:
            assert transitions.TABLE[event.action].event is event


def test_every_event_has_a_label():
    assert set(LABELS) == set(Event)


def _string_constants(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def test_no_event_code_is_spelled_out_outside_the_registry():
    codes = {e.value for e in Event} | {"complaint.supervised"}
    found = []
    for path in ANJU.rglob("*.py"):
        if "migrations" in path.parts or (path.name == "events.py" and path.parent.name == "complaints"):
            continue
        found += [f"{path.relative_to(ANJU)}:{line}: {value}"
                  for line, value in _string_constants(path) if value in codes]
    assert found == [], "use anju.complaints.events.Event instead:\n" + "\n".join(found)


def test_a_subscriber_to_an_unknown_event_fails_at_import():
    with pytest.raises(ImproperlyConfigured, match=r"complaint\.verfy"):
        registry.subscriber("tests.typo", "complaint.verfy")  # type: ignore[arg-type]
    assert registry.get("tests.typo") is None


def test_the_apps_above_the_core_join_every_change_through_hooks():
    assert hooks.registered() == {
        "before_intake": ["triage.danger_words", "sla.due_columns"],
        "after_events": ["sla.deadlines", "notify.complainant", "visits.survey", "bus.deliveries",
                         "routing.decision", "audit.log"],
    }


def test_every_subscriber_is_listed_in_the_architecture_document():
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    missing = [name for name in registry.SUBSCRIBERS if f"`{name}`" not in text]
    assert missing == []
