"""A few fresh complaints that the pattern warnings pick up, so the warnings board of the
demo shows what it is for (anju/warnings): a lift that several residents report within a
few hours (a hotspot), a leak reported again after ten days (a repeat complaint) and a
resident who threatens to call 12345 and the housing bureau (escalation risk).

They are filed through the complaint services like every demo complaint, then the pattern
sweep runs once, as the worker would a minute later.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from anju.complaints.models import Category, Channel
from anju.complaints.services import complaint_create
from anju.demo.history import settle_messages
from anju.demo.people import People
from anju.demo.places import Site
from anju.warnings.detectors import sweep

COMPLAINTS = 6  # filed by ``stage``

LIFT_REPORTS = (
    (5.5, "客服记录：业主来电反映{lift}早上停在8楼不动，按键没反应，家里有老人上下楼很不方便。"),
    (3.2, "{lift}又坏了，门关不上，一直在响，赶紧派人来看看"),
    (1.1, "客服记录：业主来电称{lift}运行时有很大的异响，还抖得厉害，孩子不敢坐，请尽快检修。"),
)
LEAK_FIRST = "卫生间顶棚漏水，滴到洗手台上，应该是楼上管道的问题，麻烦安排师傅看一下。"
LEAK_AGAIN = "上次报的卫生间顶棚漏水又开始了，比上次还严重，到底有没有人管？"
THREAT = ("楼下车库入口的积水已经反映三次了，每次都说会处理，一下雨还是淹。再拖着不解决，"
          "我就打12345投诉到住建局，还要找媒体曝光。")


def _scene_end(now: datetime) -> datetime:
    """The scene plays in the afternoon and evening up to ``now`` — or, at night or in the
    morning, up to last evening — so its complaints come in at plausible hours."""
    local = timezone.localtime(now)
    if 14 <= local.hour < 22:
        return now
    evening = local.replace(hour=21, minute=0, second=0, microsecond=0)
    return evening if evening <= local else evening - timedelta(days=1)


def stage(*, sites: dict[str, Site], people: People, users: dict, now: datetime) -> int:
    """File the scene's complaints and run the pattern sweep; returns the warnings raised."""
    code = sorted(sites)[0]
    site = sites[code]
    agent = users[f"agent.{code}"]
    categories = {c.code: c for c in Category.objects.all()}
    residents = [r for r in people.residents[code] if r not in people.demo]
    estate = site.estate

    lift = next(lifts[0] for lifts in site.lifts.values() if lifts)
    end = _scene_end(now)
    filed = []

    def file(**kwargs: object) -> None:
        filed.append(complaint_create(actor=agent, estate=estate, **kwargs).complaint.pk)  # type: ignore[arg-type]

    for (hours, text), resident in zip(LIFT_REPORTS, residents[:3], strict=True):
        file(channel=Channel.PHONE, resident=resident, facility=lift, building=lift.building,
             category=categories["elevator"], description=text.format(lift=lift.name),
             now=end - timedelta(hours=hours))

    leaking = residents[3]
    home = people.rooms_of[leaking.pk]
    file(channel=Channel.PHONE, resident=leaking, room=home, category=categories["repair"],
         description=LEAK_FIRST, now=end - timedelta(days=10, hours=2))
    file(channel=Channel.WECHAT, resident=leaking, room=home, category=categories["repair"],
         description=LEAK_AGAIN, now=end - timedelta(hours=2, minutes=40))

    angry = residents[4]
    file(channel=Channel.PHONE, resident=angry, room=people.rooms_of[angry.pk],
         category=categories["public_facility"], description=THREAT, now=end - timedelta(minutes=50))
    # What the complainants were told counts as delivered, like the rest of the history.
    assert len(filed) == COMPLAINTS
    settle_messages(filed)
    return len(sweep(now=now))
