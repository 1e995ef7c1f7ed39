"""Console fixtures: English UI for stable assertions, and complaints at each stage."""

from __future__ import annotations

import pytest

from anju.complaints import services
from anju.complaints.models import Status

PASSWORD = "anju-test-pass-1"


@pytest.fixture(autouse=True)
def _english(settings):
    # Assertions read the English msgids; the zh-hans catalogue must not break them.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def advance(agent, handler, departments):
    """Walk a complaint through the services to ``status`` (agent desk, engineering handler)."""

    steps = [
        (Status.VERIFIED, lambda c: services.complaint_verify(
            actor=agent, complaint_id=c.pk, category="repair")),
        (Status.ASSIGNED, lambda c: services.complaint_assign(
            actor=agent, complaint_id=c.pk, department=departments["engineering"],
            handler=handler, plan="今天下午上门查看")),
        (Status.IN_PROGRESS, lambda c: services.complaint_accept(actor=handler, complaint_id=c.pk)),
        (Status.RESOLVED, lambda c: services.complaint_resolve(
            actor=handler, complaint_id=c.pk, result="已更换水管接头", root_cause="facility_ageing")),
        (Status.CLOSED, lambda c: services.complaint_rate(
            actor=agent, complaint_id=c.pk, satisfaction=5, solved=True)),
    ]

    def walk(complaint, status):
        if status == Status.ON_HOLD:
            walk(complaint, Status.IN_PROGRESS)
            services.complaint_hold(actor=handler, complaint_id=complaint.pk, reason="等业主回家")
        else:
            for target, step in steps:
                if complaint.status == status:
                    break
                if _before(complaint.status, target):
                    complaint = step(complaint)
        complaint.refresh_from_db()
        return complaint

    return walk


ORDER = [Status.RECEIVED, Status.VERIFIED, Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED,
         Status.CLOSED]


def _before(current, target):
    return ORDER.index(current) < ORDER.index(target)


def act(client, complaint, action, **data):
    """POST an action form as the page would, with the version the user saw."""
    complaint.refresh_from_db()
    data.setdefault("version", complaint.version)
    return client.post(f"/console/c/{complaint.number}/act/{action}/", data)


def page_text(response):
    return response.content.decode()
