"""raise_warnings dedupes on the key and returns only what it created; reasons render."""

from __future__ import annotations

import pytest
from django.utils import translation

from anju.warnings.models import Kind, Warning
from anju.warnings.services import Draft, acknowledge, raise_warnings, reason_text

pytestmark = pytest.mark.django_db


def draft(key, **kw):
    defaults = {"kind": Kind.SLA_SHARE, "key": key, "reason_code": "sla_share", "target": "resolve",
                "data": {"share": 80}}
    defaults.update(kw)
    return Draft(**defaults)


def test_raising_again_creates_nothing_and_returns_nothing(file_complaint):
    complaint = file_complaint(None)
    first = raise_warnings([draft("a", complaint_id=complaint.pk, related_ids=(complaint.pk,)),
                            draft("b"), draft("a")])
    assert sorted(w.key for w in first) == ["a", "b"]
    again = raise_warnings([draft("a", related_ids=(complaint.pk,)), draft("b"), draft("c")])
    assert [w.key for w in again] == ["c"]
    assert Warning.objects.count() == 3
    assert list(Warning.objects.get(key="a").related.all()) == [complaint]
    assert raise_warnings([]) == []


def test_a_key_longer_than_the_column_is_refused():
    with pytest.raises(ValueError, match="200"):
        raise_warnings([draft("k" * 201)])


def test_acknowledge_is_compare_and_set(agent, manager):
    (warning,) = raise_warnings([draft("x")])
    assert acknowledge(warning, manager) is True
    stale = Warning.objects.get(pk=warning.pk)
    assert acknowledge(stale, agent) is False
    stale.refresh_from_db()
    assert stale.acknowledged_by == manager


def test_reasons_read_in_the_reader_language():
    raised = {w.key: w for w in raise_warnings([
        draft("s"), draft("br", kind=Kind.SLA_BREACH, reason_code="sla_breach", target="feedback"),
        draft("l", kind=Kind.LADDER, reason_code="ladder", level=2, target="onsite")])}
    share, breach, ladder = raised["s"], raised["br"], raised["l"]
    with translation.override("en"):
        assert reason_text(share) == "80% of the time for resolution is used."
        assert reason_text(breach) == "The deadline for first feedback has passed."
        assert reason_text(ladder) == ("Escalated to the Project manager: the deadline for on site "
                                       "is still not met.")
    with translation.override("zh-hans"):
        assert reason_text(share) == "办结时限已用去 80%。"
    # As the SLA sweep (anju/sla) raises them.
    (sla,) = raise_warnings([draft("sla:1", reason_code="sla.sla_share", target="visit",
                                   data={"target": "visit", "mark": "50"})])
    with translation.override("en"):
        assert reason_text(sla) == "50% of the time for return visit is used."
    # Unknown codes and data of another shape fall back to the kind.
    odd = raise_warnings([draft("o", reason_code="something_new"),
                          draft("p", data={"percent": 50})])
    with translation.override("en"):
        assert [reason_text(w) for w in odd] == ["Deadline approaching", "Deadline approaching"]
