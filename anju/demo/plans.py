"""The demo's plan of one complaint (``Plan``), its steps, and the staff cast.

Plain data: ``anju.demo.stories`` fills plans in, ``anju.demo.scripts`` gives them
steps and times, ``anju.demo.history`` replays them through the services.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from anju.accounts.models import User
from anju.complaints.models import Category, Channel, Urgency
from anju.demo.places import Site
from anju.demo.texts import Issue
from anju.estates.models import Resident
from anju.staff.models import Department


@dataclass
class Step:
    action: str
    actor: Any
    kwargs: dict[str, Any]
    minutes: float  # after the previous step
    jitter: float  # minutes after 08:00 when pushed to the next working morning
    at: datetime | None = None


@dataclass
class Plan:
    key: int
    fate: str
    issue: Issue
    site: Site
    channel: str = Channel.PHONE
    urgency: str = Urgency.NORMAL
    resident: Resident | None = None
    agent: Any = None
    confidential: bool = False
    anonymous: bool = False
    create: dict[str, Any] = field(default_factory=dict)  # complaint_create's arguments
    slots: dict[str, str] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    merge_into: Plan | None = None
    complaint_id: int | None = None
    number: str = ""

    @property
    def created(self) -> datetime:
        assert self.steps[0].at is not None
        return self.steps[0].at

    def time_of(self, action: str) -> datetime | None:
        return next((s.at for s in self.steps if s.action == action), None)


@dataclass
class Cast:
    """The staff, looked up by the usernames in ``anju.demo.people.STAFF``."""

    users: dict[str, User]
    departments: dict[str, Department]
    categories: dict[str, Category]

    def user(self, username: str) -> User:
        return self.users[username]
