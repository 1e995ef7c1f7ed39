"""A small handmade month of complaints with known answers (March 2025, Asia/Shanghai).

Every complaint walks its lifecycle through the services with explicit times; the
deadlines the SLA module computed are then replaced by round ones, so each figure can be
worked out by hand (the expected numbers are in tests/analytics/test_metrics.py).

=====  =========  =====================================================================
 name  received   story
=====  =========  =====================================================================
 c1    03-03 09h  repair, assigned +1h, resolved +10h, rated 5 → closed; on time
 c2    03-04 09h  repair, assigned +2h, on hold +4h…+24h (20 h), resolved +34h, rated 4;
                  resolution due +24h → late
 c3    03-05 09h  repair, assigned +30m, resolved +5h, rated 2 (speed, attitude) → reopened,
                  resolved again +48h, rated 5 → closed; on time (due +72h)
 c4    03-06 09h  out of scope, referred out +3h (feedback due +1h → late)
 c5    03-07 09h  repair, withdrawn by the resident +1h (no feedback)
 c6    03-10 09h  repair, assigned +1h, in progress, resolution due 03-12 → late (open)
 c7    03-11 09h  sanitation (environment), assigned +4h (feedback due +2h → late),
                  resolved +20h, rated 1 not solved, no reason → reopened, open, due 04-20
 c8    03-12 09h  confidential repair, recorded by quality, received
 c9    03-13 09h  estate B repair, received; feedback due +4h, none → late
 c10   03-20 09h  repair by phone, received, a repeat of c1
 c11   02-20 09h  repair, received (the previous period)
 c12   03-21 09h  repair, merged into c10
=====  =========  =====================================================================
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from anju.analytics.scope import Scope
from anju.complaints import services as s
from anju.complaints.models import Channel, Complaint
from anju.visits.services import Answers, survey_submit

TZ = ZoneInfo("Asia/Shanghai")
START, END = date(2025, 3, 1), date(2025, 3, 31)
NOW = datetime(2025, 4, 10, 12, 0, tzinfo=TZ)
H = timedelta(hours=1)


def at(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2025, month, day, hour, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def scope_for():
    def make(user, **kwargs):
        return Scope(user=user, start=kwargs.pop("start", START), end=kwargs.pop("end", END),
                     now=NOW, **kwargs)

    return make


@pytest.fixture
def dataset(world, new_complaint, resident, agent, agent_b, handler, handler_env, quality,
            departments, categories):
    eng, env = departments["engineering"], departments["environment"]
    repair = categories["repair"]

    def create(t0, **kw):
        kw.setdefault("category", repair)
        return new_complaint(now=t0, **kw)

    def dispatch(c, t0, after, *, department=eng, worker=handler):
        s.complaint_verify(actor=agent, complaint_id=c.pk, now=t0 + after / 2)
        s.complaint_assign(actor=agent, complaint_id=c.pk, department=department, handler=worker,
                           plan="上门查看", now=t0 + after)
        s.complaint_accept(actor=worker, complaint_id=c.pk, now=t0 + after + timedelta(minutes=5))

    def resolve(c, when, *, worker=handler, cause="facility_ageing"):
        s.complaint_resolve(actor=worker, complaint_id=c.pk, result="已处理", root_cause=cause, now=when)

    def rate(c, when, stars, *, solved=True, reasons=()):
        survey_submit(actor=agent, complaint_id=c.pk, source="call", now=when,
                      answers=Answers(stars=stars, solved=solved, reasons=list(reasons)))

    t = {}
    t["c1"] = at(3, 3)
    c1 = create(t["c1"])
    dispatch(c1, t["c1"], 1 * H)
    resolve(c1, t["c1"] + 10 * H)
    rate(c1, t["c1"] + 24 * H, 5)

    t["c2"] = at(3, 4)
    c2 = create(t["c2"])
    dispatch(c2, t["c2"], 2 * H)
    s.complaint_hold(actor=handler, complaint_id=c2.pk, reason="等业主在家", now=t["c2"] + 4 * H)
    s.complaint_resume(actor=handler, complaint_id=c2.pk, now=t["c2"] + 24 * H)
    resolve(c2, t["c2"] + 34 * H)
    rate(c2, t["c2"] + 40 * H, 4)

    t["c3"] = at(3, 5)
    c3 = create(t["c3"])
    dispatch(c3, t["c3"], timedelta(minutes=30))
    resolve(c3, t["c3"] + 5 * H)
    rate(c3, t["c3"] + 24 * H, 2, reasons=("speed", "attitude"))
    s.complaint_accept(actor=handler, complaint_id=c3.pk, now=t["c3"] + 25 * H)
    resolve(c3, t["c3"] + 48 * H, cause="workmanship")
    rate(c3, t["c3"] + 72 * H, 5)

    t["c4"] = at(3, 6)
    c4 = create(t["c4"], category=categories["out_of_scope"])
    s.complaint_refer_out(actor=agent, complaint_id=c4.pk, reason="开发商保修", advice="请联系开发商",
                          now=t["c4"] + 3 * H)

    t["c5"] = at(3, 7)
    c5 = create(t["c5"])
    s.complaint_withdraw(actor=resident.user, complaint_id=c5.pk, reason="已自行解决", now=t["c5"] + H)

    t["c6"] = at(3, 10)
    c6 = create(t["c6"])
    dispatch(c6, t["c6"], 1 * H)

    t["c7"] = at(3, 11)
    c7 = create(t["c7"], category=categories["sanitation"])
    dispatch(c7, t["c7"], 4 * H, department=env, worker=handler_env)
    resolve(c7, t["c7"] + 20 * H, worker=handler_env)
    rate(c7, t["c7"] + 30 * H, 1, solved=False)

    t["c8"] = at(3, 12)
    c8 = create(t["c8"], actor=quality, confidential=True, resident=resident, channel=Channel.PHONE)

    t["c9"] = at(3, 13)
    c9 = create(t["c9"], actor=agent_b, estate=world["b"]["estate"], room=world["b"]["rooms"][0],
                channel=Channel.PHONE, contact_name="赵六", contact_phone="13700003333")

    t["c10"] = at(3, 20)
    c10 = create(t["c10"], actor=agent, channel=Channel.PHONE, resident=resident)

    t["c11"] = at(2, 20)
    c11 = create(t["c11"])

    t["c12"] = at(3, 21)
    c12 = create(t["c12"])
    s.complaint_merge(actor=agent, complaint_id=c12.pk, into_number=c10.number, now=t["c12"] + H)

    # Round deadlines (replacing the SLA module's working-day ones), then the repeat link.
    dues = {
        "c1": (4 * H, 72 * H), "c2": (4 * H, 24 * H), "c3": (4 * H, 72 * H), "c4": (1 * H, None),
        "c5": (4 * H, None), "c6": (4 * H, 48 * H), "c7": (2 * H, at(4, 20) - t["c7"]),
        "c8": (None, None), "c9": (4 * H, None), "c10": (None, None), "c11": (None, None),
        "c12": (4 * H, None),
    }
    objs = {"c1": c1, "c2": c2, "c3": c3, "c4": c4, "c5": c5, "c6": c6, "c7": c7, "c8": c8,
            "c9": c9, "c10": c10, "c11": c11, "c12": c12}
    for name, (feedback, resolution) in dues.items():
        Complaint.objects.filter(pk=objs[name].pk).update(
            feedback_due_at=t[name] + feedback if feedback else None,
            resolve_due_at=t[name] + resolution if resolution else None)
    Complaint.objects.filter(pk=c10.pk).update(repeat_of=c1)
    for c in objs.values():
        c.refresh_from_db()
    return objs
