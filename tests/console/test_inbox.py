"""The inboxes: each role sees its own work, within its reach, searchable and filterable."""

import pytest

from anju.complaints import services
from anju.complaints.models import Channel, Status
from tests.console.conftest import page_text


@pytest.fixture
def three(new_complaint, advance, world, agent_b, categories):
    """A: assigned to the engineering handler; A: new, about cleaning; B: new, in estate B."""
    mine = advance(new_complaint(description="厨房水管漏水"), Status.ASSIGNED)
    fresh = new_complaint(description="楼道垃圾三天没人清运", category=categories["sanitation"])
    other = services.complaint_create(
        actor=agent_b, channel=Channel.PHONE, estate=world["b"]["estate"],
        description="锦绣园车库积水", contact_name="赵先生", contact_phone="13700003333").complaint
    return {"mine": mine, "fresh": fresh, "other": other}


def test_an_agent_sees_the_open_complaints_of_their_estate_only(as_user, agent, three):
    text = page_text(as_user(agent).get("/console/"))
    assert three["mine"].number in text and three["fresh"].number in text
    assert three["other"].number not in text


def test_an_agent_of_estate_b_sees_nothing_of_estate_a(as_user, agent_b, three):
    client = as_user(agent_b)
    for tab in ("estates", "all"):
        text = page_text(client.get(f"/console/?tab={tab}"))
        assert three["other"].number in text
        assert three["mine"].number not in text and three["fresh"].number not in text


def test_a_handler_sees_their_own_tasks_by_default(as_user, handler, three):
    text = page_text(as_user(handler).get("/console/"))
    assert three["mine"].number in text
    assert three["fresh"].number not in text and three["other"].number not in text


def test_a_handler_of_another_department_does_not_see_it(as_user, handler_env, three):
    client = as_user(handler_env)
    for tab in ("mine", "department", "all"):
        assert three["mine"].number not in page_text(client.get(f"/console/?tab={tab}"))


def test_a_handler_gets_only_the_tabs_that_mean_something_to_them(as_user, handler, agent, world):
    text = page_text(as_user(handler).get("/console/"))
    assert "My tasks" in text and "My department" in text
    assert "My estates" not in text
    text = page_text(as_user(agent).get("/console/"))
    assert "My tasks" not in text and "My estates" in text and "Everything" in text


def test_a_closed_complaint_leaves_the_open_inbox_but_stays_in_everything(
        as_user, agent, new_complaint, advance):
    closed = advance(new_complaint(), Status.CLOSED)
    client = as_user(agent)
    assert closed.number not in page_text(client.get("/console/?tab=estates"))
    assert closed.number in page_text(client.get("/console/?tab=all"))


def test_search_finds_a_complaint_by_number(as_user, agent, three):
    text = page_text(as_user(agent).get("/console/", {"q": three["fresh"].number}))
    assert three["fresh"].number in text and three["mine"].number not in text


def test_search_finds_a_complaint_by_the_residents_phone(as_user, agent, three, other_resident,
                                                         new_complaint):
    by_other = new_complaint(actor=other_resident.user, room=None, description="邻居装修噪音")
    text = page_text(as_user(agent).get("/console/", {"q": "139 0000 2222"}))
    assert by_other.number in text and three["fresh"].number not in text


def test_search_finds_a_complaint_by_words(as_user, agent, three):
    text = page_text(as_user(agent).get("/console/", {"q": "垃圾"}))
    assert three["fresh"].number in text and three["mine"].number not in text


def test_search_never_reaches_outside_the_users_estates(as_user, agent, three):
    text = page_text(as_user(agent).get("/console/", {"q": "13700003333", "tab": "all"}))
    assert three["other"].number not in text


def test_filters_narrow_by_status_category_urgency_and_channel(as_user, agent, three):
    client = as_user(agent)
    text = page_text(client.get("/console/", {"status": "assigned"}))
    assert three["mine"].number in text and three["fresh"].number not in text
    text = page_text(client.get("/console/", {"category": "sanitation"}))
    assert three["fresh"].number in text and three["mine"].number not in text
    text = page_text(client.get("/console/", {"channel": "phone"}))
    assert three["fresh"].number not in text and three["mine"].number not in text
    text = page_text(client.get("/console/", {"urgency": "normal"}))
    assert three["fresh"].number in text


def test_the_estate_filter_is_offered_to_staff_with_several_estates(as_user, quality, three):
    client = as_user(quality)
    text = page_text(client.get("/console/", {"estate": "b", "tab": "all"}))
    assert three["other"].number in text and three["fresh"].number not in text
    assert 'name="estate"' in text


def test_nonsense_filters_are_ignored_not_an_error(as_user, agent, three):
    response = as_user(agent).get("/console/", {"status": "bogus", "estate": "zzz", "page": "x",
                                                "tab": "nope", "sort": "'; drop"})
    assert response.status_code == 200
    assert three["fresh"].number in page_text(response)


def test_the_list_shows_urgency_status_supervision_and_deadline(as_user, agent, supervisor,
                                                                three):
    services.complaint_escalate(actor=supervisor, complaint_id=three["mine"].pk, reason="超时")
    text = page_text(as_user(agent).get("/console/"))
    assert "badge urgency-normal" in text and "badge status-assigned" in text
    assert "flag-supervised" in text
    assert "王师傅" in text  # the handler column


def test_urgent_complaints_are_badged_red(as_user, agent, new_complaint):
    new_complaint(urgency="urgent", description="电梯困人")
    assert "badge urgency-urgent" in page_text(as_user(agent).get("/console/"))


def test_the_inbox_pages_25_at_a_time(as_user, agent, new_complaint):
    for i in range(27):
        new_complaint(description=f"第{i}号投诉")
    client = as_user(agent)
    first = page_text(client.get("/console/"))
    assert first.count('class="col-number"') == 25
    assert 'rel="next"' in first and "27 complaints" in first
    second = page_text(client.get("/console/", {"page": 2}))
    assert second.count('class="col-number"') == 2
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_the_inbox_query_count_does_not_grow_with_the_rows(as_user, agent, new_complaint, advance,
                                                          django_assert_max_num_queries):
    for _ in range(6):
        advance(new_complaint(), Status.ASSIGNED)
    client = as_user(agent)
    client.get("/console/")
    with django_assert_max_num_queries(12):
        client.get("/console/")
