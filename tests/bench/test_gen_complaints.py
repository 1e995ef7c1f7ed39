"""The benchmark's complaint generator (bench/gen_complaints.py) and the statistics indexes.

Small runs of the same set-based INSERT … SELECT the benchmark uses at a million rows:
the data must have the shape the dashboards are measured on, and the personal fields
must be stored encrypted.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count, F
from django.utils import timezone

from anju.analytics import metrics
from anju.analytics.scope import Scope
from anju.complaints.models import Complaint
from anju.visits.models import SurveyResponse

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import gen_complaints

N = 4000


@pytest.fixture
def generated(taxonomy):
    return gen_complaints.generate(N)


def test_it_generates_n_complaints_in_arrival_order_over_two_years(generated):
    assert generated["complaints"] == N
    created = list(Complaint.objects.order_by("pk").values_list("created_at", flat=True))
    assert created == sorted(created)
    now = timezone.now()
    assert created[-1] <= now
    assert created[0] >= now - timedelta(days=gen_complaints.DAYS + 1)
    numbers = Complaint.objects.values("number").distinct().count()
    assert numbers == N


def test_statuses_are_mostly_closed_with_every_side_path(generated):
    statuses = dict(Complaint.objects.values_list("status").annotate(n=Count("id")))
    assert statuses["closed"] > 0.8 * N
    for side in ("referred_out", "withdrawn", "merged"):
        assert statuses.get(side, 0) > 0, side
    merged = Complaint.objects.filter(status="merged", merged_into__isnull=False)
    assert merged.exists()


def test_categories_are_skewed_towards_repair(generated):
    counts = dict(Complaint.objects.filter(category__isnull=False)
                  .values_list("category__code").annotate(n=Count("id")))
    assert len(counts) == 15
    assert max(counts, key=counts.get) == "repair"
    assert counts["repair"] > 5 * counts["neighbor_dispute"]


def test_times_holds_ratings_and_repeats_look_like_a_real_desk(generated):
    closed = Complaint.objects.filter(status="closed")
    assert not closed.filter(resolved_at__isnull=True).exists()
    assert closed.filter(held_seconds__gt=0).count() > 0.03 * closed.count()
    late = [c for c in closed.only("resolved_at", "resolve_due_at", "held_seconds")
            if c.resolved_at - timedelta(seconds=c.held_seconds) > c.resolve_due_at]
    assert 0.05 * closed.count() < len(late) < 0.5 * closed.count()
    rated = closed.filter(satisfaction__isnull=False)
    assert rated.filter(satisfaction__gte=4).count() > 0.7 * rated.count()
    assert Complaint.objects.filter(reopen_count__gt=0).exists()
    repeats = Complaint.objects.filter(repeat_of__isnull=False).count()
    assert 0.02 * N < repeats < 0.08 * N
    # A repeat points at an earlier complaint.
    assert not Complaint.objects.filter(repeat_of_id__gte=F("id")).exists()


def test_survey_answers_match_the_ratings_and_reopenings(generated):
    rated = Complaint.objects.filter(satisfaction__isnull=False).count()
    reopened = Complaint.objects.filter(reopen_count__gt=0, resolved_at__isnull=False).count()
    assert SurveyResponse.objects.count() == rated + reopened == generated["surveys"]
    assert SurveyResponse.objects.filter(dissatisfied=True).exclude(reasons=[]).exists()


def test_personal_fields_are_stored_encrypted(generated):
    complaint = Complaint.objects.filter(resident__isnull=True).order_by("pk").first()
    assert complaint.contact_name == "压测联系人"
    assert complaint.contact_phone.startswith("138")
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_name, contact_phone FROM complaints_complaint WHERE id = %s",
                       [complaint.pk])
        raw_name, raw_phone = cursor.fetchone()
    assert "压测" not in raw_name and not raw_phone.startswith("138")
    assert Complaint.objects.matching(contact_phone=complaint.contact_phone).filter(pk=complaint.pk).exists()
    resident_complaint = Complaint.objects.filter(resident__isnull=False).select_related("resident").first()
    assert resident_complaint.resident.name == "压测业主"


def test_the_dashboard_metrics_answer_on_the_generated_data(generated):
    from anju.accounts.models import User

    quality = User.objects.get(username="bench-quality")
    today = timezone.localdate()
    scope = Scope(user=quality, start=today - timedelta(days=364), end=today)
    summary = metrics.summary(scope)
    assert summary.received > 0.4 * N
    assert 0.5 < summary.resolve_on_time_rate < 0.98
    assert summary.resolution_median_s > 0
    assert 4.0 < summary.satisfaction_avg < 4.8
    assert metrics.dissatisfaction(scope)


def test_the_estate_statistics_index_exists(db):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Complaint._meta.db_table)
    indexed = {tuple(c["columns"]) for c in constraints.values() if c["index"]}
    assert ("estate_id", "created_at") in indexed
