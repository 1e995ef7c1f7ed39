"""Finding people by phone through the blind indexes, wherever the product does it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from anju.complaints import disclosure, selectors
from anju.complaints.models import Channel, Complaint
from anju.complaints.services import complaint_create
from anju.console import lookups
from anju.console.presenters import timeline
from anju.estates.importing import import_file
from anju.estates.models import Resident
from anju.lib.errors import InvalidInput
from anju.portal.otp import otp_request


@pytest.fixture
def outside_caller(agent, estate_a):
    return complaint_create(actor=agent, channel=Channel.PHONE, estate=estate_a,
                            description="小区门口路灯坏了", contact_name="过路的王先生",
                            contact_phone="0755-2345 6789").complaint


@pytest.mark.parametrize("typed", ["13800001111", "138 0000 1111", "+86 138-0000-1111"])
def test_complaint_search_finds_a_residents_complaints_by_phone(new_complaint, typed):
    complaint = new_complaint()
    found = selectors.search(Complaint.objects.all(), text=typed)
    assert list(found) == [complaint]


def test_complaint_search_finds_an_outside_callers_complaint_by_phone(outside_caller, new_complaint):
    new_complaint()
    found = selectors.search(Complaint.objects.all(), text="075523456789")
    assert list(found) == [outside_caller]
    assert not selectors.search(Complaint.objects.all(), text="075523456780").exists()


def test_word_search_no_longer_reads_the_encrypted_address(outside_caller):
    # The address is encrypted: the words search the subject and the description only.
    assert list(selectors.search(Complaint.objects.all(), text="路灯")) == [outside_caller]
    assert not selectors.search(Complaint.objects.all(), text="王先生").exists()


def test_the_intake_lookup_finds_the_caller_by_phone_within_reach(agent, agent_b, resident,
                                                                  outside_caller, new_complaint):
    mine = new_complaint()
    assert lookups.resident_by_phone(agent, "138-0000-1111") == resident
    assert lookups.resident_by_phone(agent_b, "13800001111") is None
    recent = lookups.caller_complaints(agent, resident=None, phone="075523456789")
    assert recent == [outside_caller]
    assert lookups.caller_complaints(agent, resident=resident, phone="") == [mine]
    assert lookups.caller_complaints(agent, resident=None, phone="") == []


def test_sign_in_codes_are_limited_per_number_however_it_is_written(resident):
    now = timezone.now()
    otp_request(phone="13800001111", ip="198.51.100.1", now=now)
    with pytest.raises(InvalidInput) as info:
        otp_request(phone="138 0000 1111", ip="198.51.100.2", now=now + timedelta(seconds=5))
    assert info.value.code == "too_many_requests"


def test_an_import_recognises_a_known_number(tmp_path, world, resident):
    path = tmp_path / "residents.csv"
    path.write_text("姓名,手机,楼栋,单元,房号\n张三,138 0000 1111,1栋,1单元,102\n", encoding="utf-8")
    result = import_file("residents", estate=world["a"]["estate"], source=path)
    assert result.residents_created == 0 and result.created == 1
    assert Resident.objects.count() == 1
    assert resident.rooms.count() == 2


def test_the_admin_finds_a_resident_by_exact_phone(client, admin_user, resident, other_resident):
    client.force_login(admin_user)
    response = client.get("/admin/estates/resident/", {"q": "139 0000 2222"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "李*" in page and "张*" not in page  # found, and shown masked


def test_the_timeline_names_the_resident_from_the_encrypted_record(new_complaint, resident, agent):
    complaint = new_complaint()
    entries = timeline(complaint, contact=disclosure.contact_view(resident.user, complaint))
    assert entries[0].actor == "张三"
    masked = timeline(complaint, contact=disclosure.contact_view(agent, complaint))
    assert masked[0].actor == "张*"
    assert complaint.events.get().actor_label == resident.user.username


def test_a_whole_number_finds_that_complaint_and_a_prefix_finds_the_days(new_complaint):
    first, second = new_complaint(), new_complaint()
    assert list(selectors.search(Complaint.objects.all(), text=first.number.lower())) == [first]
    day = first.number[:10]  # TS + the date
    found = set(selectors.search(Complaint.objects.all(), text=day))
    assert {first, second} <= found


def test_lists_count_up_to_the_limit_and_say_when_there_are_more(new_complaint, monkeypatch):
    for _ in range(3):
        new_complaint()
    assert selectors.capped_count(Complaint.objects.all()) == (3, True)
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 2)
    assert selectors.capped_count(Complaint.objects.all()) == (2, False)
    assert selectors.capped_count(Complaint.objects.all(), limit=3) == (3, True)
