"""Handmade complaints at chosen times for the pattern detectors."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from anju.complaints.models import Channel
from anju.complaints.services import complaint_create

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Wednesday afternoon, local time.
NOW = datetime(2026, 6, 10, 15, 0, tzinfo=SHANGHAI)


@pytest.fixture
def file_complaint(agent, world, categories):
    """File a complaint at estate A through the desk, at ``at``, with a category code."""

    def make(at, *, category="repair", **overrides):
        kwargs = {
            "actor": agent, "channel": Channel.PHONE, "estate": world["a"]["estate"],
            "room": world["a"]["rooms"][0], "contact_name": "张三", "contact_phone": "13800001111",
            "description": "卫生间天花板漏水", "category": categories[category] if category else None,
            "now": at,
        }
        kwargs.update(overrides)
        return complaint_create(**kwargs).complaint

    return make
