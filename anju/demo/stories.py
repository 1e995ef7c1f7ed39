"""Six months of complaints, planned before any is written.

Each ``Plan`` is one complaint: who complains, about what, where, through which
channel, and its fate — the path it takes through the lifecycle. Fates come in
fixed shares (every status appears even in a small demo); ``anju.demo.scripts``
turns a fate into steps, and the steps are placed in time so that they end before
now. Open fates end recently, so the inboxes look like a working day; finished ones
are spread over the half year.

Nothing here writes to the database: ``anju.demo.history`` replays the steps in time
order through the complaint services.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from anju.complaints.models import Channel, Urgency
from anju.demo import texts
from anju.demo.people import People, random_mobile
from anju.demo.places import Site
from anju.demo.plans import Cast, Plan, Step
from anju.demo.scripts import Script, place_in_time, working_hours
from anju.demo.texts import Issue
from anju.estates.models import Building, Facility, Residency, Room
from anju.lib.phones import mask

DAYS = 182

# Shares of the open fates; each ends ``gap`` before now (minutes).
OPEN_FATES = {
    "received": (0.009, (5, 300)),
    "verified": (0.006, (5, 240)),
    "assigned": (0.009, (10, 1440)),
    "in_progress": (0.02, (30, 10080)),
    "on_hold": (0.008, (60, 20160)),
    "resolved": (0.014, (10, 2400)),
    "dissatisfied_open": (0.005, (60, 7200)),
    "escalated_open": (0.005, (60, 7200)),
    "reopened_open": (0.004, (60, 4320)),
}
CLOSED_FATES = {
    "referred_out": 0.035,
    "withdrawn": 0.02,
    "merged": 0.02,
    "closed_unreachable": 0.04,
    "closed_after_hold": 0.04,
    "closed_reassigned": 0.03,
    "closed_escalated": 0.04,
    "closed_after_dissatisfied": 0.04,
    "reopened_closed": 0.01,
}
MERGE_TARGETS = {"closed", "closed_escalated", "closed_after_hold", "closed_unreachable",
                 "in_progress", "on_hold", "assigned", "resolved"}
# Fates the fixed portal residents get, so their portal shows every kind of complaint.
DEMO_FATES = (("closed", "resolved", "in_progress", "closed_after_dissatisfied", "received",
               "on_hold"), ("closed", "resolved", "assigned"))

CHANNEL_WEIGHTS = {Channel.WEB: 30, Channel.PHONE: 28, Channel.WECHAT: 14, Channel.WALK_IN: 10,
                   Channel.HOTLINE_12345: 8, Channel.EMAIL: 6}
RELATION_WORDS: dict[str, str] = {Residency.Relation.OWNER: "业主",
                                  Residency.Relation.TENANT: "租户"}
# Hours at which each channel takes complaints in (the desk and the hotline keep office hours).
INTAKE_HOURS: dict[str, tuple[int, int]] = {Channel.WEB: (7, 23), Channel.WECHAT: (7, 23),
                                            Channel.EMAIL: (7, 23), Channel.HOTLINE_12345: (9, 17)}
# Within a category, how often each urgency's issues come up.
URGENCY_WEIGHTS = {"urgent": 0.5, "high": 1.0, "normal": 2.2, "low": 0.8}
CATEGORY_WEIGHTS = {"repair": 18, "elevator": 8, "utilities": 7, "public_facility": 9,
                    "sanitation": 9, "greening": 4, "security": 6, "parking": 9, "noise": 7,
                    "renovation": 4, "pets": 4, "fees": 6, "service_attitude": 5,
                    "neighbor_dispute": 4, "out_of_scope": 4}
# --------------------------------------------------------------------------- planning


def plan_history(*, total: int, sites: dict[str, Site], people: People, cast: Cast,
                 rng: random.Random, now: datetime) -> list[Plan]:
    fates = _fates(total, rng)
    merged = fates.count("merged")
    plans = [Plan(key=i, fate=fate, issue=texts.ISSUES[0], site=sites["cuihu"])
             for i, fate in enumerate(f for f in fates if f != "merged")]
    _choose_issues(plans, rng)
    for plan in plans:
        plan.site = sites["cuihu" if rng.random() < 0.55 else "jinxiu"]
    _give_demo_residents(plans, people, sites)
    story = Storyteller(cast=cast, people=people, rng=rng, now=now)
    for plan in plans:
        story.tell(plan)
    plans += story.duplicates(plans, merged, start=len(plans))
    return plans


def _fates(total: int, rng: random.Random) -> list[str]:
    fates = []
    for fate, (share, _) in OPEN_FATES.items():
        fates += [fate] * max(1, round(total * share))
    for fate, share in CLOSED_FATES.items():
        fates += [fate] * max(1, round(total * share))
    fates += ["closed"] * max(1, total - len(fates))
    rng.shuffle(fates)
    return fates


def _choose_issues(plans: list[Plan], rng: random.Random) -> None:
    """Weighted categories, but every category and every urgency at least once."""
    by_category: dict[str, list[Issue]] = {}
    for issue in texts.ISSUES:
        by_category.setdefault(issue.category, []).append(issue)
    referable = [p for p in plans if p.fate == "referred_out"]
    others = [p for p in plans if p.fate != "referred_out"]
    for plan in referable:
        plan.issue = rng.choice(by_category["out_of_scope"])
    in_scope = [c for c in CATEGORY_WEIGHTS if c != "out_of_scope"]
    weights = [CATEGORY_WEIGHTS[c] for c in in_scope]
    uncovered = list(in_scope)
    rng.shuffle(uncovered)
    for plan in others:
        category = uncovered.pop() if uncovered else rng.choices(in_scope, weights)[0]
        issues = by_category[category]
        plan.issue = rng.choices(issues, [URGENCY_WEIGHTS[i.urgency] for i in issues])[0]
    for urgency in (texts.URGENT, texts.HIGH, texts.LOW):
        if not any(p.issue.urgency == urgency for p in plans):
            counts: dict[str, int] = {}
            for p in others:
                counts[p.issue.category] = counts.get(p.issue.category, 0) + 1
            spare = next(p for p in others if counts[p.issue.category] > 1)
            spare.issue = rng.choice([i for i in texts.ISSUES
                                      if i.urgency == urgency and i.category != "out_of_scope"])


def _give_demo_residents(plans: list[Plan], people: People, sites: dict[str, Site]) -> None:
    for resident, fates in zip(people.demo, DEMO_FATES, strict=True):
        room = people.rooms_of[resident.pk]
        site = next(s for s in sites.values() if s.estate.pk == room.unit.building.estate_id)
        for fate in fates:
            plan = next((p for p in plans if p.fate == fate and p.resident is None
                         and p.issue.category not in ("out_of_scope", "service_attitude")), None)
            if plan is not None:
                plan.resident, plan.site, plan.channel = resident, site, Channel.WEB


# --------------------------------------------------------------------------- one complaint


class Storyteller:
    def __init__(self, *, cast: Cast, people: People, rng: random.Random, now: datetime) -> None:
        self.cast, self.people, self.rng, self.now = cast, people, rng, now
        # A few residents complain often, most rarely (repeat complaints are a metric). The
        # portal's demo residents get only the complaints planned for them.
        self.weights = {}
        for code, residents in people.residents.items():
            ranks = list(range(len(residents)))
            rng.shuffle(ranks)
            self.weights[code] = [0 if r in people.demo else 1 / (rank + 10)
                                  for r, rank in zip(residents, ranks, strict=True)]

    # ----------------------------------------------------------- who, where, what

    def tell(self, plan: Plan) -> None:
        rng, issue = self.rng, plan.issue
        if plan.resident is None:
            plan.channel = rng.choices(list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values()))[0]
        plan.urgency = issue.urgency
        if issue.urgency == Urgency.NORMAL and rng.random() < 0.1:
            plan.urgency = rng.choice([Urgency.HIGH, Urgency.HIGH, Urgency.LOW])
        code = plan.site.estate.code
        plan.agent = self.cast.user(rng.choice([f"agent.{code}", f"agent2.{code}"]))
        plan.confidential = (issue.category == "service_attitude" and plan.fate == "closed"
                             and plan.resident is None and rng.random() < 0.35)
        if plan.confidential:
            plan.channel = rng.choice([Channel.EMAIL, Channel.PHONE])
        # Some callers are not registered residents: passers-by, visitors, the 12345 hotline.
        outsider = ((plan.channel == Channel.HOTLINE_12345 and rng.random() < 0.4)
                    or (plan.channel == Channel.PHONE and rng.random() < 0.08))
        if plan.resident is None and (issue.where == "room" or not outsider):
            plan.resident = rng.choices(self.people.residents[code], self.weights[code])[0]
        plan.anonymous = plan.channel == Channel.WEB and rng.random() < 0.06
        self._place(plan)
        self._describe(plan)
        plan.steps = self._script(plan)
        self._schedule(plan)
        self._describe_time(plan)

    def _place(self, plan: Plan) -> None:
        rng, site, where = self.rng, plan.site, plan.issue.where
        home = self.people.rooms_of.get(plan.resident.pk) if plan.resident else None
        if home is None or home.unit.building.estate_id != site.estate.pk:
            home = rng.choice(site.rooms) if where == "room" or rng.random() < 0.5 else None
        building = home.unit.building if home else rng.choice(site.buildings)
        unit = home.unit if home else rng.choice(site.units[building.pk])
        room: Room | None = None
        facility: Facility | None = None
        address = ""
        where_building: Building | None = building
        if where == "room":
            room, place = home, f"{building.name}{unit.name}{home.number}" if home else ""
        elif where == "building":
            address = unit.name + rng.choice(["楼道", "一楼大堂", "", "电梯厅"])
            place = f"{building.name}{unit.name}"
        elif where == "lift":
            facility = rng.choice(site.lifts[building.pk])
            place = facility.name
        elif where == "estate":
            address = place = rng.choice(texts.SPOTS)
            where_building = None
        elif where == "office":
            address = place = rng.choice(["客服中心", "物业服务中心前台"])
            where_building = None
        else:
            facility = rng.choice(site.facilities[where])
            place, where_building = facility.name, None
        plan.create.update(estate=site.estate, room=room,
                           building=_building(where_building, facility), facility=facility,
                           address=address)
        plan.slots = self._slots(plan, home, building, place, facility)

    def _slots(self, plan: Plan, home: Room | None, building: Building | None, place: str,
               facility: Facility | None) -> dict[str, str]:
        rng = self.rng
        top = (building.floors if building else None) or 18
        floor = home.floor if home and home.floor else rng.randint(2, top)
        floor = min(max(floor, 1), top - 1)
        position = home.number[-2:] if home else "01"
        fees = rng.choice([("2.8", "3.5"), ("3.2", "3.8"), ("5", "8")])
        return {
            "place": place or plan.site.estate.name, "building": building.name if building else "",
            "lift": facility.name if facility else place, "floor": str(floor),
            "upstairs": f"{floor + 1}{position}",
            "downstairs": f"{floor - 1}{position}" if floor > 1 else "楼下商铺",
            "time": rng.choice(texts.WHEN), "days": rng.choice(texts.DAYS),
            "times": rng.choice(texts.TIMES), "space": f"{rng.choice('ABC')}-{rng.randint(1, 320):03d}",
            "plate": rng.choice(texts.PLATE_PREFIX) + "·" + "".join(
                rng.choice(texts.PLATE_CHARS) for _ in range(5)),
            "old": fees[0], "new": fees[1], "amount": rng.choice(["48", "86", "120", "210", "365"]),
        }

    def _describe(self, plan: Plan) -> None:
        rng, issue = self.rng, plan.issue
        first = {**plan.slots, "my": "我家", "i": "我"}
        third = {**plan.slots, "my": "家中", "i": "业主"}
        angry = rng.random() < (0.45 if plan.fate in ("dissatisfied_open", "closed_escalated",
                                                       "escalated_open") else 0.14)
        threat = rng.choice(texts.ANGRY_THREATS) if angry else ""
        opener = rng.choice(texts.ANGRY_OPENERS).format_map(first) if angry else ""
        body = rng.choice(issue.texts).format_map(first)
        demand = rng.choice(texts.DEMANDS)
        title = issue.title
        channel = plan.channel
        if channel == Channel.WEB:
            text = opener + body + (threat or rng.choice(texts.POLITE))
            title = title if rng.random() < 0.3 else ""
        elif channel == Channel.WECHAT:
            text = (opener or rng.choice(texts.CASUAL_OPENERS)) + body + (threat or rng.choice(texts.POLITE))
            title = ""
        elif channel == Channel.EMAIL:
            text = self._email(plan, opener + body + threat, demand)
            title = rng.choice(["关于{t}的投诉", "投诉：{t}", "{t}，请尽快处理"]).format(t=title)
        else:
            if channel == Channel.HOTLINE_12345:  # the hotline's officialese: 其 for the caller
                body3 = rng.choice(issue.texts).format_map({**third, "my": "其家中", "i": "其"})
                if plan.slots["place"] not in body3:
                    body3 = plan.slots["place"] + "，" + body3
            else:
                body3 = rng.choice(issue.texts).format_map(third)
            if threat:
                body3 += "并表示：“" + threat + "”"
            text = self._agent_note(plan, body3, demand)
        plan.create.update(title=title, description=text,
                           people_involved=issue.people.format_map(plan.slots))
        self._complainant(plan)

    def _who(self, plan: Plan) -> str:
        rng = self.rng
        if plan.resident is None:
            surname = rng.choice("王李张刘陈杨黄赵吴周徐孙")
            return surname + rng.choice(["先生", "女士"])
        resident = plan.resident
        title = "先生" if self.people.male[resident.pk] else "女士"
        role = RELATION_WORDS.get(self.people.relation[resident.pk], "住户")
        home = self.people.rooms_of[resident.pk]
        return f"{home.unit.building.name}{home.unit.name}{home.number}{role}{resident.name[0]}{title}"

    def _polite_name(self, plan: Plan) -> str:
        if plan.resident is None:
            return self._who(plan)
        male = self.people.male[plan.resident.pk]
        return plan.resident.name[0] + ("先生" if male else "女士")

    def _agent_note(self, plan: Plan, body: str, demand: str) -> str:
        rng, who = self.rng, self._who(plan)
        if plan.channel == Channel.HOTLINE_12345:
            plan.create["contact_name"] = who if plan.resident is None else ""
            return texts.HOTLINE_TEXT.format(order="{order}", who=who, estate=plan.site.estate.name,
                                             body=body, demand=demand)
        notes = texts.WALK_IN_NOTES if plan.channel == Channel.WALK_IN else texts.PHONE_NOTES
        if plan.resident is None:
            plan.create["contact_name"] = who
        return rng.choice(notes).format(who=who, body=body, demand=demand)

    def _email(self, plan: Plan, body: str, demand: str) -> str:
        resident = plan.resident
        home = self.people.rooms_of.get(resident.pk) if resident else None
        room = f"{home.unit.building.name}{home.unit.name}{home.number}" if home else ""
        relation = "住户" if resident is None else RELATION_WORDS.get(
            self.people.relation[resident.pk], "住户")
        # Signed 张先生, not with the full name: the description is not encrypted.
        name = self._polite_name(plan)
        plan.create["contact_email"] = f"{self.rng.randint(10**7, 10**10)}@qq.com"
        return texts.EMAIL_TEXT.format(estate=plan.site.estate.name, room=room, relation=relation,
                                       name=name, body=body, demand=demand, date="{date}")

    def _complainant(self, plan: Plan) -> None:
        if plan.resident is None:
            plan.create["contact_phone"] = random_mobile(self.rng)
            return
        plan.create["resident"] = plan.resident

    def _describe_time(self, plan: Plan) -> None:
        """Fill in what depends on when the complaint came in."""
        local = timezone.localtime(plan.created)
        plan.create["description"] = plan.create["description"].replace(
            "{order}", f"{local:%Y%m%d}{self.rng.randint(1000, 9999)}").replace(
            "{date}", f"{local.year}年{local.month}月{local.day}日")
        if plan.channel != Channel.WEB or self.rng.random() < 0.6:
            plan.create["occurred_at"] = plan.created - timedelta(
                minutes=self.rng.uniform(5, 60 if plan.urgency == Urgency.URGENT else 2880))
        if plan.resident is None and plan.channel == Channel.HOTLINE_12345:
            # The government hotline passes on the caller's number masked in the text only.
            plan.create["description"] += f"\n来电号码：{mask(plan.create['contact_phone'])}"

    # ----------------------------------------------------------- the script

    def _script(self, plan: Plan) -> list[Step]:
        return Script(plan, self.cast, self.rng).build()

    def _schedule(self, plan: Plan) -> None:
        rng, now = self.rng, self.now
        if plan.fate in OPEN_FATES:
            # Open complaints end a little before now: the inboxes look like a working day.
            low, high = OPEN_FATES[plan.fate][1]
            end = now - timedelta(minutes=rng.uniform(low, high))
            created = end - timedelta(minutes=sum(s.minutes for s in plan.steps[1:]))
        else:
            end = now - timedelta(hours=rng.uniform(1, 12))
            # Fewer finished ones in the last fortnight, where most complaints are still open,
            # and slowly more over the half year as residents take to the portal.
            days = rng.choices(range(1, DAYS), [(1.25 - 0.5 * d / DAYS) * min(1, d / 21)
                                                for d in range(1, DAYS)])[0]
            created = self._intake_time(plan, now - timedelta(days=days))
        place_in_time(plan, created, end)

    def _intake_time(self, plan: Plan, around: datetime) -> datetime:
        rng = self.rng
        if plan.urgency == Urgency.URGENT and rng.random() < 0.25:
            return around  # emergencies come at any hour
        hours = INTAKE_HOURS.get(plan.channel, (8, 20))
        local = timezone.localtime(around)
        clock = time(rng.choices(range(*hours), [_busy(h) for h in range(*hours)])[0],
                     rng.randrange(60), rng.randrange(60))
        return datetime.combine(local.date(), clock, tzinfo=local.tzinfo)

    # ----------------------------------------------------------- duplicates

    def duplicates(self, plans: list[Plan], count: int, *, start: int) -> list[Plan]:
        """Second reports of a problem already being handled, merged into the first."""
        rng = self.rng
        candidates = [p for p in plans if p.fate in MERGE_TARGETS and not p.confidential]
        rng.shuffle(candidates)
        out: list[Plan] = []
        for target in candidates:
            if len(out) == count:
                break
            window = self._merge_window(target)
            if window is None:
                continue
            out.append(self._duplicate(target, window, key=start + len(out)))
        return out

    def _merge_window(self, target: Plan) -> tuple[datetime, datetime] | None:
        assigned = target.time_of("assign")
        until = target.time_of("resolve") or self.now
        if assigned is None or until - assigned < timedelta(hours=1):
            return None
        return assigned + timedelta(minutes=10), until - timedelta(minutes=30)

    def _duplicate(self, target: Plan, window: tuple[datetime, datetime], *, key: int) -> Plan:
        rng = self.rng
        plan = Plan(key=key, fate="merged", issue=target.issue, site=target.site,
                    urgency=target.urgency, agent=target.agent, merge_into=target)
        code = target.site.estate.code
        if target.issue.where == "room" or target.resident is None:
            plan.resident = target.resident  # the same person, through another channel
        else:
            plan.resident = rng.choices(self.people.residents[code], self.weights[code])[0]
        plan.channel = rng.choice([Channel.WEB, Channel.PHONE, Channel.WECHAT])
        if plan.resident is None:
            plan.channel = Channel.PHONE
        self._place(plan)
        plan.create.update({k: target.create[k] for k in ("room", "building", "facility", "address")})
        plan.slots = target.slots
        self._describe(plan)
        at = window[0] + (window[1] - window[0]) * rng.random()
        if plan.urgency != Urgency.URGENT:
            at = min(working_hours(at, rng.uniform(0, 90)), window[1] - timedelta(minutes=5))
        merge_at = min(at + timedelta(minutes=rng.uniform(10, 120)), window[1])
        note = rng.choice(texts.MERGE_NOTES)  # {number} is the target's, known once it exists
        creator = plan.resident.user if plan.channel == Channel.WEB and plan.resident else plan.agent
        category = None if plan.channel == Channel.WEB else self.cast.categories[plan.issue.category]
        plan.create.update(category=category, channel=plan.channel, confidential=False,
                           anonymous=False,
                           urgency=Urgency.NORMAL if plan.channel == Channel.WEB else plan.urgency)
        plan.steps = [Step("create", creator, {}, 0, 0, at=at),
                      Step("merge", target.agent, {"note": note}, 0, 0, at=merge_at)]
        self._describe_time(plan)
        return plan


def _building(building: Building | None, facility: Facility | None) -> Building | None:
    if facility is not None and facility.building_id:
        return facility.building
    return building


def _busy(hour: int) -> float:
    """How many complaints come in at each hour of the day: mornings and evenings peak."""
    return {9: 3, 10: 4, 11: 3, 14: 3, 15: 3, 16: 3, 19: 4, 20: 4, 21: 3}.get(hour, 1.5)


