"""``anju retention apply``: dry-run counts per estate and changes nothing; the worker runs it daily."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from anju.complaints.models import Complaint, ComplaintEvent
from anju.retention.anonymise import RETENTION_EVENT
from anju.worker import schedule
from tests.retention.conftest import FOUR_YEARS_AGO


def run(*args):
    out = StringIO()
    call_command("retention", "apply", *args, stdout=out)
    return out.getvalue()


def snapshot():
    return (list(Complaint.objects.values_list("pk", "version", "contact_name", "resident_id")),
            ComplaintEvent.objects.count())


def test_a_dry_run_prints_counts_per_estate_and_changes_nothing(story, settings):
    settings.ANJU_RETENTION_MESSAGE_DAYS = 10_000
    story()
    story(start=FOUR_YEARS_AGO + timedelta(days=30))
    before = snapshot()
    output = run("--dry-run")
    assert snapshot() == before
    assert "Dry run: nothing was changed." in output
    assert "  翠湖苑: 2" in output
    assert "       2  complaints would be anonymised" in output
    assert "       4  files would be removed" in output


def test_apply_then_reports_what_it_did(story):
    story()
    output = run("--years", "3")
    assert "       1  complaints anonymised" in output and "  翠湖苑: 1" in output
    assert ComplaintEvent.objects.filter(action=RETENTION_EVENT).count() == 1
    assert "       0  complaints anonymised" in run()


def test_years_must_be_positive(db):
    with pytest.raises(CommandError, match="at least 1"):
        run("--years", "0")


def test_the_worker_applies_retention_daily():
    job = schedule.REGISTRY["anju.retention.tasks.apply_retention"]
    assert job.every == timedelta(days=1)


def test_the_daily_job_anonymises(story):
    from anju.retention.tasks import apply_retention

    story()
    result = apply_retention.call()
    assert result["complaints"] == 1 and result["complaints_by_estate"] == {"翠湖苑": 1}
