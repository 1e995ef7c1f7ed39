"""Similar cases: character n-gram TF-IDF ranking, limited to what the viewer may read."""

from __future__ import annotations

from itertools import pairwise

from anju.routing.models import RoutingSettings
from anju.routing.similar import similar_to

LIFT = ["3号楼电梯又坏了，停在五楼不动，里面差点困人", "电梯门关不上，按钮也没反应，电梯老是坏",
        "电梯运行有异响，晃得厉害，怕掉下去"]
OTHER = ["楼下车位被外来车辆占了好几天", "广场舞音乐太吵了，晚上十点还在跳", "物业费又涨价了，收费不透明",
         "草坪上的树枯死了没人管"]


def _numbers(items):
    return [s.complaint.number for s in items]


def test_the_most_similar_complaints_come_first(file):
    lifts = [file("elevator", description=t) for t in LIFT]
    others = [file("parking", description=t) for t in OTHER]
    query = file("elevator", description="我们楼的电梯坏了，停在三楼不动，按钮没反应")
    found = similar_to(query, query.created_by, limit=5)
    numbers = _numbers(found)
    # The two about a lift that is stuck and unresponsive first; the one about a noisy lift
    # shares little more than 电梯 and may or may not pass the threshold; the others never do.
    assert set(numbers[:2]) == {lifts[0].number, lifts[1].number}
    assert not {c.number for c in others} & set(numbers)
    assert found[0].score > 0.15 and all(a.score >= b.score for a, b in pairwise(found))
    assert query.number not in numbers


def test_the_same_problem_outranks_the_same_anger(file):
    """Shared angry wording about another problem ranks below the same category's complaint."""
    # By text alone the first is closer (0.27 against 0.20): it shares "第三次反映了".
    other = file("sanitation", description="这是第三次反映了，垃圾桶满了没人清")
    same = file("public_facility", description="车库入口又积水了，一下雨就淹")
    query = file("public_facility", description="车库入口积水，第三次反映了")
    found = _numbers(similar_to(query, query.created_by, limit=5))
    assert found.index(same.number) < found.index(other.number)


def test_only_complaints_the_viewer_may_read_are_listed(file, world, agent, agent_b, quality):
    query = file("elevator", description="电梯坏了，停在三楼不动")
    mine = file("elevator", description="电梯坏了停在二楼不动")
    secret = file("elevator", description="电梯坏了停在三楼不动了", confidential=True)
    theirs = file("elevator", description="电梯坏了，停在三楼不动", actor=agent_b,
                  estate=world["b"]["estate"], room=world["b"]["rooms"][0])
    assert _numbers(similar_to(query, agent)) == [mine.number]
    seen_by_quality = set(_numbers(similar_to(query, quality)))
    assert {mine.number, secret.number, theirs.number} <= seen_by_quality
    RoutingSettings.objects.create(similar_company_wide=False)
    assert theirs.number not in _numbers(similar_to(query, quality))


def test_the_complaint_page_lists_similar_cases(client, file, agent):
    past = file("elevator", description="电梯坏了，停在五楼不动")
    query = file("elevator", description="电梯坏了，停在三楼不动")
    client.force_login(agent)
    page = client.get(f"/console/c/{query.number}/").content.decode()
    assert "Similar cases" in page and f'href="/console/c/{past.number}/"' in page
