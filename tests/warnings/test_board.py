"""The console's warnings board: reach filtering, acknowledge and comment, badges."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from anju.audit.models import AuditEntry
from anju.complaints.models import Complaint
from anju.warnings.models import Kind, Warning, WarningComment
from anju.warnings.selectors import visible_warnings
from anju.warnings.services import Draft, raise_warnings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def board(agent, agent_b, world, departments, file_complaint):
    """Warnings about complaints of every reach, and two place-wide ones."""

    def complaint(dept, *, estate="a", confidential=False, actor=agent):
        c = file_complaint(None, actor=actor, estate=world[estate]["estate"],
                           room=world[estate]["rooms"][0], confidential=confidential)
        Complaint.objects.filter(pk=c.pk).update(department=departments[dept])
        return c

    made = {
        "eng_a": complaint("engineering"),
        "env_a": complaint("environment"),
        "eng_b": complaint("engineering", estate="b", actor=agent_b),
        "secret_a": complaint("engineering", confidential=True),
    }
    drafts = [
        Draft(kind=Kind.ESCALATION_RISK, key=f"t:{name}", reason_code="escalation_words",
              complaint_id=c.pk, related_ids=(c.pk,), estate_id=c.estate_id,
              department_id=departments["engineering" if "eng" in name or "secret" in name
                                        else "environment"].pk,
              data={"words": ["律师"]})
        for name, c in made.items()
    ]
    drafts.append(Draft(
        kind=Kind.HOTSPOT, key="t:hotspot_a", reason_code="hotspot",
        related_ids=(made["eng_a"].pk, made["secret_a"].pk), estate_id=world["a"]["estate"].pk,
        department_id=departments["engineering"].pk,
        data={"count": 2, "hours": 24, "place": "1栋", "category": "repair"}))
    drafts.append(Draft(
        kind=Kind.SPIKE, key="t:spike_b", reason_code="spike", related_ids=(made["eng_b"].pk,),
        estate_id=world["b"]["estate"].pk, department_id=departments["engineering"].pk,
        data={"count": 9, "category": "repair", "day": "2026-06-10", "mean": 1.0, "sd": 0.5,
              "days": 28}))
    raise_warnings(drafts)
    return {w.key.removeprefix("t:"): w for w in Warning.objects.all()}


def keys(user):
    return sorted(w.key.removeprefix("t:") for w in visible_warnings(user))


def test_reach_by_estate_department_and_confidentiality(board, supervisor, manager, quality, agent,
                                                        handler, resident):
    # The supervisor of engineering at A: engineering at A, not environment, not B, not the
    # confidential complaint.
    assert keys(supervisor) == ["eng_a", "hotspot_a"]
    assert keys(manager) == ["eng_a", "env_a", "hotspot_a"]
    assert keys(quality) == sorted(board)
    # The handler sees warnings about complaints they may see (none are theirs or open to
    # their department before assignment), and residents none.
    assert keys(handler) == ["eng_a", "hotspot_a"]
    assert keys(resident.user) == []


def signed_in(user):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def test_the_board_lists_what_is_in_reach_with_reasons_and_links(board, supervisor):
    response = signed_in(supervisor).get("/console/warnings/")
    assert response.status_code == 200
    page = response.content.decode()
    for key in ("eng_a", "hotspot_a"):
        assert f'id="warning-{board[key].pk}"' in page
    for key in ("env_a", "eng_b", "secret_a", "spike_b"):
        assert f'id="warning-{board[key].pk}"' not in page
    secret = Complaint.objects.get(pk=board["secret_a"].complaint_id)
    eng = Complaint.objects.get(pk=board["eng_a"].complaint_id)
    assert secret.number not in page  # counted in the hotspot, never linked for a supervisor
    assert f'href="/console/c/{eng.number}/"' in page
    assert "1 confidential complaint" in page
    assert "2 complaints about Repairs at 1栋 within 24 hours." in page
    assert "The complaint mentions 律师" in page


def test_quality_sees_the_confidential_links(board, quality):
    page = signed_in(quality).get("/console/warnings/").content.decode()
    secret = Complaint.objects.get(pk=board["secret_a"].complaint_id)
    assert f'href="/console/c/{secret.number}/"' in page


def test_the_board_refreshes_itself_without_inline_script(board, manager):
    page = signed_in(manager).get("/console/warnings/?kind=hotspot").content.decode()
    section = re.search(r'<section id="warning-board"[^>]*>', page).group(0)
    assert 'hx-trigger="every 30s"' in section
    assert 'hx-get="/console/warnings/?kind=hotspot"' in section
    assert 'hx-select="#warning-board"' in section
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", page) == []
    assert "htmx.min.js" in page
    # The kind filter applies.
    assert f'id="warning-{board["hotspot_a"].pk}"' in page
    assert f'id="warning-{board["eng_a"].pk}"' not in page


@pytest.mark.parametrize("who", ["agent", "handler"])
def test_the_board_is_for_supervisors_managers_and_quality(board, request, who):
    user = request.getfixturevalue(who)
    client = signed_in(user)
    assert client.get("/console/warnings/").status_code == 403
    response = client.post(f"/console/warnings/{board['eng_a'].pk}/acknowledge/")
    assert response.status_code == 403
    assert not Warning.objects.filter(acknowledged_at__isnull=False).exists()
    assert "/console/warnings/" not in client.get("/console/").content.decode()


def test_acknowledge_is_recorded_once_and_audited(board, supervisor, manager):
    warning = board["eng_a"]
    response = signed_in(supervisor).post(f"/console/warnings/{warning.pk}/acknowledge/",
                                          {"next": "/console/warnings/?show=all"})
    assert response.status_code == 302 and response["Location"] == "/console/warnings/?show=all"
    warning.refresh_from_db()
    assert warning.acknowledged_by == supervisor and warning.acknowledged_at is not None
    entry = AuditEntry.objects.get(action="warning.acknowledged")
    assert entry.actor_id == supervisor.pk and entry.target_id == str(warning.pk)
    # A second acknowledgement changes nothing.
    signed_in(manager).post(f"/console/warnings/{warning.pk}/acknowledge/")
    warning.refresh_from_db()
    assert warning.acknowledged_by == supervisor
    assert AuditEntry.objects.filter(action="warning.acknowledged").count() == 1
    # Gone from the open list, shown under "all".
    client = signed_in(supervisor)
    assert f'id="warning-{warning.pk}"' not in client.get("/console/warnings/").content.decode()
    assert "Acknowledged by" in client.get("/console/warnings/?show=all").content.decode()


def test_a_warning_out_of_reach_is_not_found(board, supervisor):
    for key in ("env_a", "secret_a", "spike_b"):
        client = signed_in(supervisor)
        assert client.post(f"/console/warnings/{board[key].pk}/acknowledge/").status_code == 404
        assert client.post(f"/console/warnings/{board[key].pk}/comment/", {"text": "看看"}).status_code == 404
    assert signed_in(supervisor).post("/console/warnings/999999/acknowledge/").status_code == 404
    assert not Warning.objects.filter(acknowledged_at__isnull=False).exists()
    assert not WarningComment.objects.exists()


def test_an_outside_next_address_is_not_followed(board, supervisor):
    response = signed_in(supervisor).post(f"/console/warnings/{board['eng_a'].pk}/acknowledge/",
                                          {"next": "https://evil.example/"})
    assert response["Location"] == "/console/warnings/"


def test_comments_are_stored_shown_and_audited(board, manager):
    warning = board["env_a"]
    client = signed_in(manager)
    client.post(f"/console/warnings/{warning.pk}/comment/", {"text": "已通知保洁主管，今天处理"})
    comment = WarningComment.objects.get()
    assert (comment.warning, comment.author, comment.text) == (warning, manager, "已通知保洁主管，今天处理")
    assert AuditEntry.objects.filter(action="warning.commented").count() == 1
    assert "已通知保洁主管，今天处理" in client.get("/console/warnings/").content.decode()
    # An empty comment is refused with a message.
    response = client.post(f"/console/warnings/{warning.pk}/comment/", {"text": "  "}, follow=True)
    assert "Please write a comment." in response.content.decode()
    assert WarningComment.objects.count() == 1


def test_posts_need_the_csrf_token(board, manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    assert client.post(f"/console/warnings/{board['eng_a'].pk}/acknowledge/").status_code == 403
    assert not Warning.objects.filter(acknowledged_at__isnull=False).exists()


def test_the_nav_badge_counts_unacknowledged_warnings_in_reach(board, supervisor, quality):
    def badge(user):
        page = signed_in(user).get("/console/").content.decode()
        found = re.search(r'<span class="nav-badge"[^>]*>([^<]*)</span>', page)
        return found.group(1) if found else None

    assert badge(supervisor) == "2"
    assert badge(quality) == "6"
    signed_in(supervisor).post(f"/console/warnings/{board['eng_a'].pk}/acknowledge/")
    assert badge(supervisor) == "1"
    signed_in(supervisor).post(f"/console/warnings/{board['hotspot_a'].pk}/acknowledge/")
    assert badge(supervisor) is None


def test_the_board_speaks_chinese_by_default(board, manager, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    client = Client()
    client.force_login(manager)
    page = client.get("/console/warnings/").content.decode()
    assert "<h1>预警</h1>" in page
    assert "24 小时内1栋有 2 件工程维修投诉。" in page
    assert "投诉中提到律师：投诉人可能进一步升级投诉。" in page
    assert ">确认</button>" in page and "升级风险" in page


def test_the_complaint_page_links_the_earlier_complaint_of_a_repeat(file_complaint, agent, quality):
    first = file_complaint(None)
    second = file_complaint(None)
    Complaint.objects.filter(pk=second.pk).update(repeat_of=first)
    page = signed_in(agent).get(f"/console/c/{second.number}/").content.decode()
    assert "Repeat complaint (重复投诉) of" in page
    assert f'href="/console/c/{first.number}/"' in page
    # The earlier one confidential: named for quality, not for the desk.
    Complaint.objects.filter(pk=first.pk).update(confidential=True)
    page = signed_in(agent).get(f"/console/c/{second.number}/").content.decode()
    assert first.number not in page and "an earlier complaint you cannot open" in page
    assert first.number in signed_in(quality).get(f"/console/c/{second.number}/").content.decode()
