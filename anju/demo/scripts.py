"""From a plan's fate to its steps, each with the actor of the right role, and to times.

A fate is the path a complaint takes through the lifecycle (closed after a return
visit, on hold, reopened after a bad rating…). Gaps between steps depend on the
urgency; staff steps fall in working hours except for emergencies.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from anju.accounts.models import User
from anju.complaints.models import Channel, Urgency
from anju.demo import texts
from anju.demo.plans import Cast, Plan, Step
from anju.visits.models import Reason

# (from, to) minutes between steps, by urgency.
# Dissatisfaction reasons, slowness most often (listed twice; a rating names each once).
REASONS = [Reason.SPEED.value, *Reason.values]

GAPS = {
    "verify": {"urgent": (2, 10), "high": (5, 30), "normal": (10, 120), "low": (30, 360)},
    "assign": {"urgent": (1, 5), "high": (5, 30), "normal": (10, 180), "low": (30, 480)},
    "accept": {"urgent": (2, 10), "high": (10, 60), "normal": (15, 240), "low": (60, 720)},
    "resolve": {"urgent": (30, 240), "high": (120, 1440), "normal": (240, 4320),
                "low": (720, 10080)},
}


def place_in_time(plan: Plan, created: datetime, end: datetime) -> None:
    """Give every step a time: gaps as scripted, staff steps pushed into working hours
    (emergencies excepted), and the whole story moved earlier until it ends by ``end``."""
    urgent = plan.urgency == Urgency.URGENT
    for attempt in range(40):
        times = _times(plan.steps, created, urgent)
        overshoot = times[-1] - end
        if overshoot <= timedelta(0):
            break
        # Moving earlier can land a step in the night, which pushes it to the next morning
        # again; a growing extra step gets past such nights.
        created -= overshoot + timedelta(minutes=20 * attempt)
    else:  # a safety net only: move the last try back as a whole
        times = [t - overshoot for t in times]
    for step, at in zip(plan.steps, times, strict=True):
        step.at = at


def _times(steps: list[Step], created: datetime, urgent: bool) -> list[datetime]:
    times = [created]
    for step in steps[1:]:
        at = times[-1] + timedelta(minutes=step.minutes)
        if not urgent:
            at = working_hours(at, step.jitter)
        times.append(at)
    return times


def working_hours(at: datetime, jitter: float) -> datetime:
    """``at``, or 08:00 plus ``jitter`` minutes of the next morning when it is night."""
    local = timezone.localtime(at)
    if 8 <= local.hour < 21:
        return at
    day = local.date() if local.hour < 8 else local.date() + timedelta(days=1)
    return datetime.combine(day, time(8), tzinfo=local.tzinfo) + timedelta(minutes=jitter)


class Script:
    """Turns a plan's fate into its steps, with the right actor for each."""

    def __init__(self, plan: Plan, cast: Cast, rng: random.Random) -> None:
        self.plan, self.cast, self.rng = plan, cast, rng
        self.steps: list[Step] = []
        code = plan.site.estate.code
        category = plan.issue.category
        # Objects rather than codes: the services then need no lookup per step.
        self.category = self.cast.categories[category]
        self.department = self.category.department
        self.desk = self.cast.user("quality") if plan.confidential else plan.agent
        self.handler = self._handler(code, category)
        self.senior = self._senior(code)

    def _handler(self, code: str, category: str) -> User | None:
        rng = self.rng
        if self.plan.confidential:
            return None  # quality signs for it itself: it is kept from the estate's staff
        department = self.department.code
        if department == "engineering":
            if self.plan.urgency == Urgency.URGENT and rng.random() < 0.15:
                return self.cast.user(f"supervisor.eng.{code}")
            specialist = {"elevator": "lift", "utilities": "water", "repair": "water"}.get(category)
            if specialist and rng.random() < (0.7 if category == "elevator" else 0.45):
                return self.cast.user(f"handler.{specialist}.{code}")
            return self.cast.user(f"handler.eng.{code}")
        short = {"environment": "env", "order": "order", "customer_service": "cs"}.get(department)
        return self.cast.user(f"handler.{short}.{code}" if short else "handler.quality")

    def _senior(self, code: str) -> User:
        if self.plan.confidential:
            return self.cast.user("quality")
        if self.rng.random() < 0.5:
            return self.cast.user(f"manager.{code}")
        short = {"engineering": "eng", "environment": "env", "order": "order",
                 "customer_service": "cs"}.get(self.department.code)
        return self.cast.user(f"supervisor.{short}.{code}" if short else "supervisor.quality")

    @property
    def worker(self) -> User:
        return self.handler or self.cast.user("quality")

    def add(self, action: str, actor: Any, gap: tuple[float, float], **kwargs: Any) -> None:
        self.steps.append(Step(action, actor, kwargs, self.rng.uniform(*gap), self.rng.uniform(0, 120)))

    def gap(self, action: str) -> tuple[float, float]:
        return GAPS[action][self.plan.urgency]

    def text(self, pool: tuple[str, ...]) -> str:
        return self.rng.choice(pool).format_map(self.plan.slots)

    # ----------------------------------------------------------- building blocks

    def intake(self) -> None:
        plan, rng = self.plan, self.rng
        creator = plan.resident.user if plan.channel == Channel.WEB and plan.resident else self.desk
        category = None if plan.channel == Channel.WEB or rng.random() < 0.15 else plan.issue.category
        urgency = Urgency.NORMAL if plan.channel == Channel.WEB else plan.urgency
        if category and rng.random() < 0.06 and plan.fate not in ("received", "referred_out"):
            category = rng.choice([c for c in sorted(self.cast.categories)
                                   if c not in (category, "out_of_scope")])
        plan.create.update(category=self.cast.categories[category] if category else None,
                           urgency=urgency, confidential=plan.confidential,
                           anonymous=plan.anonymous, channel=plan.channel)
        self.steps.append(Step("create", creator, {}, 0, 0))
        if category and category != plan.issue.category:
            self.add("classify", self.desk, (5, 60), category=self.category,
                     urgency=plan.urgency, note=self.text(texts.CLASSIFY_NOTES))

    def verify(self) -> None:
        self.add("verify", self.desk, self.gap("verify"), note=self.text(texts.VERIFY_NOTES),
                 category=self.category, urgency=self.plan.urgency)

    def assign(self) -> None:
        self.add("assign", self.desk, self.gap("assign"), department=self.department,
                 handler=self.handler, plan=self.text(self.plan.issue.plans))
        if self.rng.random() < 0.3:
            self.add("contact", self.desk, (10, 120), note=self.text(texts.CONTACT_NOTES))

    def accept(self) -> None:
        self.add("accept", self.worker, self.gap("accept"))

    def progress(self, chance: float = 0.35) -> None:
        if self.rng.random() < chance:
            self.add("note", self.worker, (30, 600), note=self.text(texts.PROGRESS_NOTES))

    def resolve(self) -> None:
        self.add("resolve", self.worker, self.gap("resolve"), result=self.text(self.plan.issue.results),
                 root_cause=self.rng.choice(self.plan.issue.causes))

    def rate(self, mood: str) -> None:
        rng, plan = self.rng, self.plan
        pool: tuple[str, ...]
        if mood == "bad":
            stars, solved, pool = rng.choice([1, 2, 2, 3]), False, texts.BAD_COMMENTS
        elif mood == "fair" or rng.random() < 0.08:
            stars, solved = rng.choices([3, 4], [60, 40])[0], True
            pool = texts.FAIR_COMMENTS
        else:
            stars, solved = rng.choices([5, 4], [63, 37])[0], True
            pool = texts.GOOD_COMMENTS
        # What the verdict is about: always said when unhappy, sometimes with a middling one.
        reasons: tuple[str, ...] = ()
        if mood == "bad" or (stars == 3 and rng.random() < 0.5):
            reasons = tuple(rng.sample(REASONS, rng.choice([1, 1, 2])))
        by_resident = plan.channel == Channel.WEB and plan.resident and rng.random() < 0.7
        actor = plan.resident.user if by_resident and plan.resident else self.desk
        self.add("rate", actor, (240, 2880), satisfaction=stars, solved=solved,
                 comment=rng.choice(pool), reasons=reasons)

    def handled(self) -> None:
        self.intake()
        self.verify()
        self.assign()
        self.accept()
        self.progress()
        self.resolve()

    # ----------------------------------------------------------- fates

    def build(self) -> list[Step]:
        getattr(self, "fate_" + self.plan.fate)()
        return self.steps

    def fate_received(self) -> None:
        self.intake()

    def fate_verified(self) -> None:
        self.intake()
        self.verify()

    def fate_assigned(self) -> None:
        self.intake()
        self.verify()
        self.assign()

    def fate_in_progress(self) -> None:
        self.fate_assigned()
        self.accept()
        self.progress(0.6)

    def fate_on_hold(self) -> None:
        self.fate_assigned()
        self.accept()
        self.add("hold", self.worker, (60, 1440), reason=self.text(texts.HOLD_REASONS))

    def fate_resolved(self) -> None:
        self.handled()

    def fate_closed(self) -> None:
        self.handled()
        self.rate("good")

    def fate_closed_unreachable(self) -> None:
        self.handled()
        self.add("close_unreachable", self.desk, (2880, 5760),
                 note=self.text(texts.UNREACHABLE_NOTES))

    def fate_closed_after_hold(self) -> None:
        self.fate_on_hold()
        self.add("resume", self.worker, (1440, 7200), note=self.text(texts.RESUME_NOTES))
        self.resolve()
        self.rate("good")

    def fate_closed_reassigned(self) -> None:
        self.intake()
        self.verify()
        right = (self.department, self.handler)
        wrong = next(d for d in ("environment", "engineering", "order") if d != self.department.code)
        short = {"environment": "env", "engineering": "eng", "order": "order"}[wrong]
        self.department = self.cast.departments[wrong]
        self.handler = self.cast.user(f"handler.{short}.{self.plan.site.estate.code}")
        self.assign()
        self.department, self.handler = right
        plan_text = self.rng.choice(texts.REASSIGN_PLANS).format(department=self.department.name)
        self.add("reassign", self.desk, (30, 600), department=self.department, handler=self.handler,
                 plan=plan_text)
        self.accept()
        self.resolve()
        self.rate("good")

    def fate_escalated_open(self) -> None:
        self.fate_assigned()
        self.accept()
        self.add("escalate", self.senior, (1440, 4320), reason=self.text(texts.ESCALATE_REASONS))

    def fate_closed_escalated(self) -> None:
        self.fate_escalated_open()
        self.progress(1.0)
        self.resolve()
        self.rate("fair")

    def fate_dissatisfied_open(self) -> None:
        self.handled()
        self.rate("bad")

    def fate_closed_after_dissatisfied(self) -> None:
        self.fate_dissatisfied_open()
        self.accept()
        self.progress(0.8)
        self.resolve()
        self.rate("fair")

    def fate_reopened_open(self) -> None:
        self.fate_closed()
        reopener = self.senior if self.plan.confidential else self.rng.choice(
            [self.cast.user(f"manager.{self.plan.site.estate.code}"), self.cast.user("quality")])
        self.add("reopen", reopener, (2 * 1440, 30 * 1440), reason=self.text(texts.REOPEN_REASONS))

    def fate_reopened_closed(self) -> None:
        self.fate_reopened_open()
        self.accept()
        self.resolve()
        self.rate("fair")

    def fate_referred_out(self) -> None:
        self.intake()
        plan = self.plan
        if plan.create["category"] is None:
            self.add("classify", self.desk, (5, 60), category=self.category, note="")
        reason, advice = plan.issue.referral or ("不属物业服务范围。", "请咨询相关主管部门。")
        self.add("refer_out", self.desk, (15, 240), reason=reason, advice=advice)

    def fate_withdrawn(self) -> None:
        self.intake()
        if self.plan.issue.category != "out_of_scope" and self.rng.random() < 0.5:
            self.verify()
        plan = self.plan
        actor = plan.resident.user if plan.channel == Channel.WEB and plan.resident else self.desk
        self.add("withdraw", actor, (30, 2880), reason=self.text(texts.WITHDRAW_REASONS))
