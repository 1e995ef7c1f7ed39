"""Follow-up work runs in the worker, once per committed change, and a failure stays contained."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from anju.complaints import followups, services


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(followups, "REGISTRY", {})
    return followups.REGISTRY


def test_a_change_enqueues_one_task_that_runs_every_follow_up_of_its_action(
        registry, new_complaint, django_capture_on_commit_callbacks, agent):
    seen = []
    followups.followup("received")(lambda pk, action: seen.append(("a", pk, action)))
    followups.followup("received", "verify")(lambda pk, action: seen.append(("b", pk, action)))
    with django_capture_on_commit_callbacks(execute=True):
        complaint = new_complaint()
    assert seen == []  # nothing ran in the request
    [queued] = DBTaskResult.objects.filter(task_path__endswith="run_followups")
    assert queued.args_kwargs["args"] == [complaint.pk, "received"]

    assert followups.run(complaint.pk, "received") == []
    assert seen == [("a", complaint.pk, "received"), ("b", complaint.pk, "received")]
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_verify(actor=agent, complaint_id=complaint.pk)
    assert DBTaskResult.objects.filter(task_path__endswith="run_followups").count() == 2


def test_an_action_nobody_follows_enqueues_nothing(registry, new_complaint,
                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        new_complaint()
    assert not DBTaskResult.objects.filter(task_path__endswith="run_followups").exists()


def test_one_failing_follow_up_does_not_stop_the_others_nor_keep_its_writes(
        registry, new_complaint):
    complaint = new_complaint()

    def broken(pk, action):
        services.complaint_add_note  # noqa: B018 - touch the module, then fail mid-write
        from anju.complaints.models import Complaint
        Complaint.objects.filter(pk=pk).update(title="half-done")
        raise RuntimeError("boom")

    done = []
    followups.followup("received")(broken)
    followups.followup("received")(lambda pk, action: done.append(pk))
    failed = followups.run(complaint.pk, "received")
    assert len(failed) == 1 and failed[0].endswith("broken")
    assert done == [complaint.pk]
    complaint.refresh_from_db()
    assert complaint.title != "half-done"  # the failed one's transaction was rolled back
