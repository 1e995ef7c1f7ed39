"""Every metric on the handmade month of tests/analytics/conftest.py, with exact answers.

Manager of estate A (no confidential complaints, not estate B) sees c1–c7, c10, c12.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.http import QueryDict

from anju.analytics import drill, metrics
from anju.complaints.access import visible_complaints
from anju.complaints.models import Complaint

pytestmark = pytest.mark.django_db


def test_the_dataset_is_what_the_story_says(dataset):
    status = {name: c.status for name, c in dataset.items()}
    assert status == {"c1": "closed", "c2": "closed", "c3": "closed", "c4": "referred_out",
                      "c5": "withdrawn", "c6": "in_progress", "c7": "assigned", "c8": "received",
                      "c9": "received", "c10": "received", "c11": "received", "c12": "merged"}
    assert dataset["c2"].held_seconds == 20 * 3600
    assert dataset["c3"].reopen_count == 1 and dataset["c7"].reopen_count == 1
    assert dataset["c7"].resolved_at is None
    assert Complaint.objects.count() == 12


def test_summary_counts_what_the_manager_reaches(dataset, manager, scope_for):
    s = metrics.summary(scope_for(manager))
    assert (s.received, s.resolved, s.closed, s.withdrawn, s.referred_out, s.merged, s.open) == (
        9, 3, 3, 1, 1, 1, 3)


def test_on_time_rates(dataset, manager, scope_for):
    s = metrics.summary(scope_for(manager))
    # Feedback: c1 c2 c3 c6 on time; c4 c7 late; c5 (withdrawn) and c12 (merged) without
    # feedback are left out; c10 has no deadline.
    assert s.feedback_on_time_rate == pytest.approx(4 / 6)
    # Resolution: c1 c3 on time; c2 late; c6 open past its deadline counts late; c7 open
    # and not yet due is left out; referred, withdrawn and merged never count.
    assert s.resolve_on_time_rate == pytest.approx(0.5)


def test_durations_exclude_hold_and_count_a_reopened_complaint_once(dataset, manager, scope_for):
    s = metrics.summary(scope_for(manager))
    # To first feedback: 1800, 3600, 3600, 7200, 10800 (c4's referral), 14400 seconds.
    assert s.feedback_median_s == pytest.approx(5400)
    assert s.feedback_p90_s == pytest.approx(12600)
    # To resolution: c1 10 h, c2 34 h − 20 h on hold = 14 h, c3 48 h (its last resolution);
    # referred-out c4, withdrawn c5 and merged c12 are not there.
    assert s.resolution_median_s == pytest.approx(14 * 3600)
    assert s.resolution_p90_s == pytest.approx(14 * 3600 + 0.8 * (48 - 14) * 3600)


def test_satisfaction_repeat_and_reopen(dataset, manager, scope_for):
    s = metrics.summary(scope_for(manager))
    assert s.rated == 4  # c1 5, c2 4, c3 5 (its latest rating), c7 1
    assert s.satisfaction_avg == pytest.approx(3.75)
    assert s.satisfied_share == pytest.approx(0.75)
    assert s.repeat_rate == pytest.approx(1 / 9)  # c10
    assert s.reopen_rate == pytest.approx(2 / 4)  # c3, c7 of c1 c2 c3 c7


def test_confidential_and_other_estates_only_for_quality(dataset, quality, scope_for):
    s = metrics.summary(scope_for(quality))
    assert s.received == 11  # + c8 (confidential) + c9 (estate B)
    assert s.open == 5
    assert s.feedback_on_time_rate == pytest.approx(4 / 7)  # + c9, late


def test_filters_narrow_the_scope(dataset, quality, scope_for, estate_b, categories):
    assert metrics.summary(scope_for(quality, estate_ids=(estate_b.pk,))).received == 1
    assert metrics.summary(scope_for(quality, channels=("phone",))).received == 3  # c8 c9 c10
    sanitation = categories["sanitation"].pk
    assert metrics.summary(scope_for(quality, category_ids=(sanitation,))).received == 1


def test_supervisor_sees_own_department_only(dataset, supervisor, scope_for):
    assert metrics.summary(scope_for(supervisor)).received == 4  # c1 c2 c3 c6


def test_nothing_to_divide_gives_none(dataset, manager, scope_for):
    s = metrics.summary(scope_for(manager, start=date(2024, 1, 1), end=date(2024, 1, 31)))
    assert s.received == 0
    assert s.feedback_on_time_rate is None and s.resolution_median_s is None
    assert s.satisfaction_avg is None and s.repeat_rate is None


def test_compare_puts_the_previous_period_beside(dataset, manager, scope_for):
    scope = scope_for(manager)
    assert scope.previous().start == date(2025, 1, 29) and scope.previous().end == date(2025, 2, 28)
    figures = metrics.compare(scope)
    assert figures["received"] == (9, 1)  # c11 on 02-20
    assert figures["satisfaction_avg"] == (pytest.approx(3.75), None)


def test_volume_by_day_week_and_month(dataset, manager, scope_for):
    days = metrics.volume(scope_for(manager), "day")
    assert [(b.key, b.count) for b in days] == [
        ("2025-03-03", 1), ("2025-03-04", 1), ("2025-03-05", 1), ("2025-03-06", 1), ("2025-03-07", 1),
        ("2025-03-10", 1), ("2025-03-11", 1), ("2025-03-20", 1), ("2025-03-21", 1)]
    assert days[0].link["from"] == days[0].link["to"] == "2025-03-03"
    weeks = metrics.volume(scope_for(manager), "week")
    assert [(b.key, b.count) for b in weeks] == [
        ("2025-03-03", 5), ("2025-03-10", 2), ("2025-03-17", 2)]
    assert weeks[0].link["to"] == "2025-03-09"
    months = metrics.volume(scope_for(manager), "month")
    assert [(b.label, b.count) for b in months] == [("2025-03", 9)]
    assert months[0].link["from"] == "2025-03-01" and months[0].link["to"] == "2025-03-31"


def test_volume_by_dimension(dataset, manager, quality, scope_for, categories, world):
    by_category = {b.key: b.count for b in metrics.volume(scope_for(manager), "category")}
    assert by_category == {str(categories["repair"].pk): 7, str(categories["out_of_scope"].pk): 1,
                           str(categories["sanitation"].pk): 1}
    by_channel = {b.key: b.count for b in metrics.volume(scope_for(manager), "channel")}
    assert by_channel == {"web": 8, "phone": 1}
    by_estate = {b.label: b.count for b in metrics.volume(scope_for(quality), "estate")}
    assert by_estate == {"翠湖苑": 10, "锦绣园": 1}
    by_building = metrics.volume(scope_for(quality), "building")
    assert [(b.label, b.count) for b in by_building] == [("翠湖苑 1栋", 10), ("锦绣园 1栋", 1)]
    assert by_building[0].link["buildings"] == str(world["a"]["building"].pk)
    by_department = {b.label: b.count for b in metrics.volume(scope_for(manager), "department")}
    assert by_department == {"Engineering": 4, "Environment": 1, "Not set": 4}
    facility = metrics.volume(scope_for(manager), "facility")
    assert [(b.key, b.count) for b in facility] == [("none", 9)]
    with pytest.raises(ValueError):
        metrics.volume(scope_for(manager), "colour")


def test_pareto_of_categories_and_root_causes(dataset, manager, scope_for, categories):
    rows = metrics.pareto(scope_for(manager), "category")
    assert (rows[0].key, rows[0].count) == (str(categories["repair"].pk), 7)
    assert rows[-1].cumulative == pytest.approx(1.0)
    assert rows[0].share == pytest.approx(7 / 9)
    causes = metrics.pareto(scope_for(manager), "root_cause")
    # c1, c2, c7 facility ageing; c3 workmanship (recorded at its last resolution).
    assert [(r.key, r.count, r.share, r.cumulative) for r in causes] == [
        ("facility_ageing", 3, 0.75, 0.75), ("workmanship", 1, 0.25, 1.0)]
    assert causes[0].link["root_causes"] == "facility_ageing"


def test_dissatisfaction_reasons(dataset, manager, scope_for):
    rows = metrics.dissatisfaction(scope_for(manager))
    assert {b.key: b.count for b in rows} == {"speed": 1, "attitude": 1, "none": 1}  # c3 first, c7
    labels = {b.key: b.label for b in rows}
    assert labels["speed"] == "Speed" and labels["none"] == "No reason given"


def test_heatmap(dataset, quality, scope_for, categories):
    h = metrics.heatmap(scope_for(quality))
    assert h.rows == ["翠湖苑 1栋", "锦绣园 1栋"]
    col = {label: i for i, label in enumerate(h.cols)}
    repair = categories["repair"].name_en
    assert (0, col[repair], 8) in h.cells  # c1 c2 c3 c5 c6 c8 c10 c12
    assert (1, col[repair], 1) in h.cells
    assert sum(n for _r, _c, n in h.cells) == 11
    assert metrics.heatmap(scope_for(quality), limit=1).rows == ["翠湖苑 1栋"]


def test_league_by_department_and_handler(dataset, manager, supervisor, scope_for):
    rows = {r.label: r for r in metrics.league(scope_for(manager), "department")}
    eng = rows["Engineering"]
    assert eng.handled == 4 and eng.resolved == 3
    assert eng.on_time_rate == pytest.approx(0.5)
    assert eng.satisfaction_avg == pytest.approx(14 / 3)
    assert eng.reopen_rate == pytest.approx(1 / 3)
    assert eng.repeat_rate == 0
    env = rows["Environment"]
    assert (env.handled, env.on_time_rate, env.satisfaction_avg, env.reopen_rate) == (1, None, 1.0, 1.0)
    handlers = metrics.league(scope_for(supervisor), "handler")
    assert [(r.label, r.handled) for r in handlers] == [("王师傅", 4)]  # not the environment handler


def test_every_bucket_links_to_the_complaints_it_counts(dataset, manager, scope_for):
    scope = scope_for(manager)
    for by in ("day", "week", "category", "channel", "building", "department"):
        for bucket in metrics.volume(scope, by):
            params = QueryDict(mutable=True) | bucket.link
            qs = drill.apply(visible_complaints(manager), params, now=scope.now)
            assert qs.count() == bucket.count, (by, bucket)
    for bucket in metrics.dissatisfaction(scope):
        qs = drill.apply(visible_complaints(manager), bucket.link, now=scope.now)
        assert qs.count() == bucket.count
    late = drill.apply(visible_complaints(manager), scope.link_params(outcome="resolve_late"),
                       now=scope.now)
    assert set(late.values_list("number", flat=True)) == {dataset["c2"].number, dataset["c6"].number}
