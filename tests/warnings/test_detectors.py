"""Every pattern detector on handmade data: positive and negative cases, window boundaries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from anju.complaints.models import Complaint, Status
from anju.estates.models import Company
from anju.warnings import detectors
from anju.warnings.models import Kind, PatternSettings, Warning
from anju.warnings.services import reason_text
from tests.warnings.conftest import NOW

pytestmark = pytest.mark.django_db


def kinds():
    return sorted(Warning.objects.values_list("kind", flat=True))


def related_numbers(warning):
    return sorted(warning.related.values_list("number", flat=True))


# --------------------------------------------------------------------------- repeats


def test_same_phone_room_and_category_within_the_window_is_a_repeat(file_complaint):
    first = file_complaint(NOW - timedelta(days=29, hours=23))
    second = file_complaint(NOW)

    raised = detectors.sweep(now=NOW)

    second.refresh_from_db()
    assert second.repeat_of == first
    assert [w.kind for w in raised] == [Kind.REPEAT]
    warning = raised[0]
    assert warning.complaint == second
    assert related_numbers(warning) == sorted([first.number, second.number])
    assert first.number in reason_text(warning)
    first.refresh_from_db()
    assert first.repeat_of is None


def test_outside_the_window_is_not_a_repeat(file_complaint):
    file_complaint(NOW - timedelta(days=30, seconds=1))
    second = file_complaint(NOW)

    assert detectors.sweep(now=NOW) == []
    second.refresh_from_db()
    assert second.repeat_of is None


def test_the_window_comes_from_the_company_settings(file_complaint, world):
    PatternSettings.objects.create(company=world["a"]["estate"].company, repeat_window_days=3)
    file_complaint(NOW - timedelta(days=4))
    second = file_complaint(NOW)

    detectors.sweep(now=NOW)
    second.refresh_from_db()
    assert second.repeat_of is None


@pytest.mark.parametrize("change", ["category", "room", "phone"])
def test_another_category_place_or_person_is_not_a_repeat(file_complaint, world, categories, change):
    file_complaint(NOW - timedelta(days=2))
    other = {"category": {"category": "noise"}, "room": {"room": world["a"]["rooms"][1]},
             "phone": {"contact_phone": "13900009999"}}[change]
    second = file_complaint(NOW, **other)

    detectors.sweep(now=NOW)
    second.refresh_from_db()
    assert second.repeat_of is None
    assert not Warning.objects.filter(kind=Kind.REPEAT).exists()


def test_a_resident_and_their_phone_are_the_same_complainant(file_complaint, world, resident):
    # First through the portal as the resident, then by phone with the resident's number.
    first = file_complaint(NOW - timedelta(days=5), actor=resident.user, channel="web", contact_name="",
                           contact_phone="", resident=resident)
    assert first.resident == resident
    second = file_complaint(NOW, contact_phone="138-0000-1111")

    detectors.sweep(now=NOW)
    second.refresh_from_db()
    assert second.repeat_of == first


def test_the_same_facility_makes_a_repeat_without_a_room(file_complaint, world):
    lift = world["a"]["lift"]
    first = file_complaint(NOW - timedelta(days=1), room=None, facility=lift, category="elevator")
    second = file_complaint(NOW, room=None, facility=lift, category="elevator")
    detectors.sweep(now=NOW)
    second.refresh_from_db()
    assert second.repeat_of == first


def test_a_repeat_links_the_latest_earlier_complaint_and_is_marked_once(file_complaint):
    file_complaint(NOW - timedelta(days=10))
    middle = file_complaint(NOW - timedelta(days=3))
    last = file_complaint(NOW)

    detectors.sweep(now=NOW - timedelta(days=3))
    detectors.sweep(now=NOW)
    detectors.sweep(now=NOW + timedelta(minutes=1))

    last.refresh_from_db()
    middle.refresh_from_db()
    assert last.repeat_of == middle
    assert middle.repeat_of is not None  # itself a repeat of the first
    assert Warning.objects.filter(kind=Kind.REPEAT).count() == 2


def test_the_follow_up_of_intake_marks_the_repeat(file_complaint, django_capture_on_commit_callbacks,
        immediate_tasks):
    first = file_complaint(timezone.now() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        second = file_complaint(None)
    second.refresh_from_db()
    assert second.repeat_of == first
    assert Warning.objects.get(kind=Kind.REPEAT).complaint == second


def test_setting_the_category_later_marks_the_repeat(file_complaint, agent,
                                                     django_capture_on_commit_callbacks,
        immediate_tasks):
    from anju.complaints.services import complaint_classify

    first = file_complaint(None)
    second = file_complaint(None, category=None)
    second.refresh_from_db()
    assert second.repeat_of is None
    with django_capture_on_commit_callbacks(execute=True):
        complaint_classify(actor=agent, complaint_id=second.pk, category="repair")
    second.refresh_from_db()
    assert second.repeat_of == first


# --------------------------------------------------------------------------- hotspots


def hotspot_settings(world, count=3, hours=6):
    return PatternSettings.objects.create(company=world["a"]["estate"].company, hotspot_count=count,
                                          hotspot_hours=hours, repeat_window_days=1)


def test_n_complaints_in_one_building_within_hours_make_a_hotspot(file_complaint, world):
    hotspot_settings(world)
    rooms = world["a"]["rooms"]
    made = [file_complaint(NOW - timedelta(hours=5, minutes=59), room=rooms[0], contact_phone="13800000001"),
            file_complaint(NOW - timedelta(hours=2), room=rooms[1], contact_phone="13800000002"),
            file_complaint(NOW, room=None, building=world["a"]["building"], contact_phone="13800000003")]

    raised = detectors.sweep(now=NOW)

    assert [w.kind for w in raised] == [Kind.HOTSPOT]
    warning = raised[0]
    assert related_numbers(warning) == sorted(c.number for c in made)
    assert warning.estate == world["a"]["estate"]
    assert warning.department.code == "engineering"
    text = reason_text(warning)
    assert "3" in text and "1栋" in text


def test_fewer_than_n_or_outside_the_hours_is_no_hotspot(file_complaint, world, agent_b):
    hotspot_settings(world)
    rooms = world["a"]["rooms"]
    file_complaint(NOW - timedelta(hours=6), room=rooms[0], contact_phone="13800000001")  # just outside
    file_complaint(NOW - timedelta(hours=2), room=rooms[1], contact_phone="13800000002")
    file_complaint(NOW, room=rooms[0], contact_phone="13800000003", category="noise")  # other category
    file_complaint(NOW, room=rooms[0], contact_phone="13800000004")
    # The same category in another estate does not count either.
    file_complaint(NOW, actor=agent_b, estate=world["b"]["estate"], room=world["b"]["rooms"][0],
                   contact_phone="13800000005")

    assert Kind.HOTSPOT not in [w.kind for w in detectors.sweep(now=NOW)]


def test_a_lasting_hotspot_is_raised_once_per_period(file_complaint, world):
    hotspot_settings(world)
    for n in range(3):
        file_complaint(NOW - timedelta(hours=n), contact_phone=f"1380000000{n}",
                       room=world["a"]["rooms"][n % 2])
    assert len(detectors.sweep(now=NOW)) == 1
    file_complaint(NOW + timedelta(hours=1), contact_phone="13800000009")
    # The window slid and the cluster grew: still the same hotspot on the board.
    assert detectors.sweep(now=NOW + timedelta(hours=1)) == []
    assert Warning.objects.filter(kind=Kind.HOTSPOT).count() == 1


def test_a_facility_hotspot(file_complaint, world):
    hotspot_settings(world)
    lift = world["a"]["lift"]
    for n in range(3):
        file_complaint(NOW - timedelta(minutes=n), room=None, facility=lift, category="elevator",
                       contact_phone=f"1380000000{n}")
    warning = Warning.objects.get(pk=detectors.sweep(now=NOW)[0].pk)
    assert warning.kind == Kind.HOTSPOT
    assert "电梯" in reason_text(warning)
    assert warning.data["facility"] == lift.pk


# --------------------------------------------------------------------------- spikes


def spike_settings(world, **kw):
    defaults = {"spike_baseline_days": 28, "spike_k": 3, "spike_minimum": 5, "hotspot_count": 99,
                "repeat_window_days": 1}
    defaults.update(kw)
    return PatternSettings.objects.create(company=world["a"]["estate"].company, **defaults)


def file_many(file_complaint, world, at, count, **kw):
    # Each from its own phone: a spike is about volume, not repeats.
    for n in range(count):
        file_complaint(at - timedelta(minutes=n), contact_phone=f"1370000{abs(hash((at, n))) % 10000:04d}",
                       room=world["a"]["rooms"][n % 2], **kw)


def test_a_day_far_above_its_baseline_is_a_spike(file_complaint, world):
    spike_settings(world)
    for day in range(1, 29):
        file_many(file_complaint, world, NOW - timedelta(days=day), 1)
    file_many(file_complaint, world, NOW, 6)

    raised = [w for w in detectors.sweep(now=NOW) if w.kind == Kind.SPIKE]
    assert len(raised) == 1
    assert raised[0].data["count"] == 6
    assert raised[0].data["mean"] == 1.0
    assert raised[0].related.count() == 6
    assert "6" in reason_text(raised[0])
    # The same day again: already raised.
    assert [w for w in detectors.sweep(now=NOW + timedelta(minutes=5)) if w.kind == Kind.SPIKE] == []


def test_a_busy_day_within_the_usual_spread_or_below_the_minimum_is_no_spike(file_complaint, world):
    spike_settings(world, spike_minimum=5)
    # A baseline alternating 0 and 6 a day (mean 3, sd 3): 6 today is within mean + 3·sd.
    for day in range(2, 29, 2):
        file_many(file_complaint, world, NOW - timedelta(days=day), 6)
    file_many(file_complaint, world, NOW, 6)
    assert not Warning.objects.filter(kind=Kind.SPIKE).exists() and \
        [w for w in detectors.sweep(now=NOW) if w.kind == Kind.SPIKE] == []


def test_the_minimum_count_holds_even_against_an_empty_baseline(file_complaint, world):
    spike_settings(world, spike_minimum=5)
    file_many(file_complaint, world, NOW, 4)
    assert [w for w in detectors.sweep(now=NOW) if w.kind == Kind.SPIKE] == []
    file_many(file_complaint, world, NOW + timedelta(minutes=30), 1)
    assert [w.kind for w in detectors.sweep(now=NOW + timedelta(minutes=30))] == [Kind.SPIKE]


def test_yesterday_does_not_count_as_today(file_complaint, world):
    spike_settings(world, spike_minimum=3)
    midnight = NOW.replace(hour=0, minute=0)
    file_many(file_complaint, world, midnight - timedelta(minutes=1), 3)  # 23:59 yesterday, local time
    file_many(file_complaint, world, midnight + timedelta(minutes=5), 2)
    assert [w for w in detectors.sweep(now=NOW) if w.kind == Kind.SPIKE] == []


def test_baseline_arithmetic():
    b = detectors.baseline([0, 2, 4])
    assert b.mean == 2 and round(b.sd, 3) == 1.633
    assert detectors.baseline([]) == detectors.Baseline(0.0, 0.0)


# --------------------------------------------------------------------------- escalation risk


@pytest.mark.parametrize("word", ["12345", "住建局", "媒体", "律师", "拒交物业费"])
def test_escalation_words_raise_a_risk_warning(file_complaint, word):
    complaint = file_complaint(NOW, description=f"再不修好我就找{word}，说到做到")
    raised = detectors.sweep(now=NOW)
    assert [w.kind for w in raised] == [Kind.ESCALATION_RISK]
    assert raised[0].complaint == complaint
    assert word in reason_text(raised[0])
    assert detectors.sweep(now=NOW + timedelta(minutes=1)) == []


def test_plain_text_and_custom_keywords(file_complaint, world):
    file_complaint(NOW, description="楼道灯坏了，麻烦修一下")
    assert detectors.sweep(now=NOW) == []
    PatternSettings.objects.create(company=world["a"]["estate"].company, keywords="投诉到底\n")
    file_complaint(NOW, description="我要投诉到底", contact_phone="13900000000", category="noise")
    assert [w.data["words"] for w in detectors.sweep(now=NOW)] == [["投诉到底"]]


def test_the_angry_hook_raises_once(file_complaint):
    complaint = file_complaint(NOW)
    assert [w.reason_code for w in detectors.flag_angry(complaint.pk, now=NOW)] == ["escalation_angry"]
    assert detectors.flag_angry(complaint.pk, now=NOW) == []
    assert detectors.flag_angry(999999) == []


# --------------------------------------------------------------------------- dissatisfied


def resolved(complaint):
    Complaint.objects.filter(pk=complaint.pk).update(status=Status.RESOLVED, resolved_at=NOW)
    return complaint


def test_a_dissatisfied_rating_raises_a_warning(file_complaint, resident, django_capture_on_commit_callbacks,
        immediate_tasks):
    from anju.complaints.services import complaint_rate

    complaint = resolved(file_complaint(NOW - timedelta(days=1), actor=resident.user, channel="web",
                                        resident=resident, contact_phone=""))
    with django_capture_on_commit_callbacks(execute=True):
        complaint_rate(actor=resident.user, complaint_id=complaint.pk, satisfaction=2)
    warning = Warning.objects.get(kind=Kind.DISSATISFIED)
    assert warning.complaint == complaint and warning.level == 1
    assert "2" in reason_text(warning)


@pytest.mark.parametrize(("stars", "solved", "warned"), [(3, None, False), (5, True, False),
                                                         (3, False, True), (1, None, True)])
def test_the_dissatisfied_rule_matches_the_reopening_rule(file_complaint, stars, solved, warned):
    from anju.complaints.services import is_dissatisfied

    complaint = file_complaint(NOW)
    Complaint.objects.filter(pk=complaint.pk).update(satisfaction=stars, solved=solved, updated_at=NOW)
    assert is_dissatisfied(stars, solved) == warned
    assert bool(detectors.detect_dissatisfied(now=NOW)) == warned


# --------------------------------------------------------------------------- settings


def test_settings_fall_back_to_the_default_row_then_the_built_in_values(world):
    company = world["a"]["estate"].company
    assert detectors.settings_for(company.pk).repeat_window_days == 30
    PatternSettings.objects.create(company=None, repeat_window_days=7)
    assert detectors.settings_for(company.pk).repeat_window_days == 7
    other = Company.objects.create(name="别家物业")
    PatternSettings.objects.create(company=other, repeat_window_days=60)
    assert detectors.settings_for(company.pk).repeat_window_days == 7
    assert detectors.settings_for(other.pk).repeat_window_days == 60


def test_a_category_corrected_away_undoes_the_repeat(file_complaint, agent, categories,
                                                     django_capture_on_commit_callbacks,
        immediate_tasks):
    from anju.complaints.services import complaint_classify

    first = file_complaint(None)
    noise = file_complaint(None, category="noise")
    with django_capture_on_commit_callbacks(execute=True):
        second = file_complaint(None)
    second.refresh_from_db()
    assert second.repeat_of == first
    with django_capture_on_commit_callbacks(execute=True):
        complaint_classify(actor=agent, complaint_id=second.pk, category="noise")
    second.refresh_from_db()
    assert second.repeat_of == noise  # now a repeat of the earlier noise complaint
    assert Warning.objects.filter(kind=Kind.REPEAT).count() == 2


def test_intake_raises_the_hotspot_of_its_place_at_once(file_complaint, world,
                                                        django_capture_on_commit_callbacks,
        immediate_tasks):
    hotspot_settings(world)
    now = timezone.now()
    for n in range(2):
        file_complaint(now - timedelta(hours=1), contact_phone=f"1380000000{n}")
    assert not Warning.objects.filter(kind=Kind.HOTSPOT).exists()
    with django_capture_on_commit_callbacks(execute=True):
        file_complaint(None, contact_phone="13800000009", room=world["a"]["rooms"][1])
    assert Warning.objects.get(kind=Kind.HOTSPOT).related.count() == 3
