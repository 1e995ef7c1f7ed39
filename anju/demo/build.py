"""Building the whole demo: places, people, then six months of complaints.

Deterministic for a given seed and day (``random.Random(seed)``), and all or nothing:
one transaction, so an interrupted run leaves no half demo behind and the next
``anju demo`` starts again cleanly.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from anju.accounts.models import User
from anju.complaints.models import Category, Complaint
from anju.demo import (
    history,
    people,
    places,
    plans,
    routing_scene,
    stories,
    visits_scene,
    warnings_scene,
)
from anju.estates.models import Company, Estate
from anju.staff.models import Department
from anju.triage.services import suggestion_backfill

DEFAULT_COMPLAINTS = 720
DEFAULT_SEED = 2026


@dataclass(frozen=True)
class Built:
    rooms: int
    residents: int
    staff: int
    complaints: int
    steps: int


class NamesTaken(Exception):
    """Demo estates or usernames exist without the demo company: refuse to mix the two."""


def demo_exists() -> bool:
    return Company.objects.filter(name=places.COMPANY).exists()


def check_free() -> None:
    codes = [spec.code for spec in places.ESTATES]
    usernames = [spec.username for spec in people.STAFF]
    taken = list(Estate.objects.filter(code__in=codes).values_list("code", flat=True))
    taken += User.objects.filter(username__in=usernames).values_list("username", flat=True)
    if taken:
        raise NamesTaken(", ".join(sorted(taken)))


def build_demo(*, complaints: int = DEFAULT_COMPLAINTS, seed: int = DEFAULT_SEED, now: datetime,
               log: Callable[[str], None] = lambda message: None) -> Built:
    """Create the demo company with its estates, residents, staff and complaint history."""
    check_free()
    rng = random.Random(seed)
    with transaction.atomic():
        sites = places.create_places()
        residents = people.create_residents(sites, rng, now)
        users = people.create_staff(sites, rng)
        log("places and people")
        cast = plans.Cast(users=users,
                          departments={d.code: d for d in Department.objects.all()},
                          categories={c.code: c for c in Category.objects.select_related("department")})
        # The warnings scene files a few complaints of its own at the end: part of the total.
        planned = stories.plan_history(total=complaints - warnings_scene.COMPLAINTS, sites=sites, people=residents, cast=cast,
                                       rng=rng, now=now)
        log("planned")
        steps = history.replay(planned, progress=lambda done: log(f"{done} steps"))
        # A hotspot, a repeat and an escalation risk for the warnings board (anju/warnings).
        warnings_scene.stage(sites=sites, people=residents, users=users, now=now)
        log("pattern warnings")
        # The scene's lift reports grouped into one incident (anju/routing).
        routing_scene.stage(now=now)
        log("incidents")
        # Triage suggestions on every complaint, decided where staff classified it (anju/triage).
        suggestion_backfill(list(Complaint.objects.filter(estate__company__name=places.COMPANY)
                                 .select_related("category")))
        log("triage suggestions")
        # Open return visits of the resolved complaints, one with failed calls (anju/visits).
        visits_scene.stage(now=now, users=users)
        log("return visits")
    return Built(rooms=sum(len(site.rooms) for site in sites.values()),
                 residents=sum(len(r) for r in residents.residents.values()), staff=len(users),
                 complaints=len(planned) + warnings_scene.COMPLAINTS, steps=steps)
