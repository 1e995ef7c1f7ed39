"""On PostgreSQL a dashboard's independent queries run side by side (anju.lib.parallel).

Other connections cannot see a test's uncommitted rows, so this test commits them
(``transactional_db``) and compares the threaded answers with the one-after-the-other ones.
"""

from __future__ import annotations

import threading

import pytest

from anju.analytics import metrics
from anju.lib import parallel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DIMENSIONS = ["category", "estate", "building", "facility", "channel", "department"]


def test_the_dashboard_answers_the_same_side_by_side(dataset, quality, scope_for,
                                                      monkeypatch):
    assert parallel.runs_in_parallel()
    threads: set[str] = set()
    reasons = metrics.dissatisfaction

    def spy(*args, **kwargs):
        threads.add(threading.current_thread().name)
        return reasons(*args, **kwargs)

    monkeypatch.setattr(metrics, "dissatisfaction", spy)
    scope = scope_for(quality)
    side_by_side = metrics.board(scope, "day", DIMENSIONS)
    monkeypatch.setattr(parallel, "runs_in_parallel", lambda using="default": False)
    one_by_one = metrics.board(scope, "day", DIMENSIONS)

    assert side_by_side == one_by_one
    assert side_by_side.now.received == 11 and side_by_side.before.received == 1
    assert any(name.startswith("anju-query") for name in threads)  # really in another thread


def test_a_failing_query_in_a_thread_reaches_the_caller():
    def fails():
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        parallel.together(lambda: 1, fails)
    assert parallel.together(lambda: 1, lambda: 2, lambda: 3) == [1, 2, 3]
