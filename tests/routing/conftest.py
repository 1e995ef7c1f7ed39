"""Handmade staff and complaints for routing, incidents and similar cases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from anju.complaints import services
from anju.complaints.models import Channel, Complaint, Status
from anju.staff.models import Role
from tests.conftest import make_staff


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def engineers(world, departments):
    """Three engineering handlers at estate A, named so failures read well."""

    def make(*names, estate="a"):
        return [make_staff(f"eng_{n}", Role.HANDLER, estates=[world[estate]["estate"]],
                           departments=[departments["engineering"]], name=n) for n in names]

    return make


@pytest.fixture
def file(agent, world, categories):
    """A complaint recorded by the desk at estate A: ``file("elevator", room=…, at=…)``."""

    def make(category="elevator", *, at=None, description="电梯坏了，停在三楼不动", **overrides):
        kwargs = {"actor": agent, "channel": Channel.PHONE, "estate": world["a"]["estate"],
                  "room": world["a"]["rooms"][0], "contact_name": "张三",
                  "contact_phone": "13800001111", "description": description,
                  "category": categories[category] if category else None}
        if at is not None:
            kwargs["now"] = at
        kwargs.update(overrides)
        return services.complaint_create(**kwargs).complaint

    return make


@pytest.fixture
def give_open(agent, departments, file):
    """Give ``user`` ``count`` open engineering complaints, the last assigned at ``at``."""

    def make(user, count, *, at=None):
        at = at or timezone.now()
        for i in range(count):
            c = file("repair", description=f"水管漏水 {user.pk}-{i}")
            services.complaint_verify(actor=agent, complaint_id=c.pk)
            services.complaint_assign(actor=agent, complaint_id=c.pk, department=departments["engineering"],
                                      handler=user, plan="上门", now=at - timedelta(minutes=count - i))
        return Complaint.objects.filter(handler=user, status=Status.ASSIGNED).count()

    return make
