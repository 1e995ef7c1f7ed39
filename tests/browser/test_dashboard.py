"""The statistics dashboard in a real browser: every chart is drawn at the width of its box."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import console_sign_in, in_english

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_manager_sees_every_chart_drawn_across_its_box(live_server, desktop_page, manager, new_complaint,
                                                           categories, screenshots):
    for category in ("repair", "elevator", "noise"):
        new_complaint(category=categories[category])
    page, base = desktop_page, live_server.url
    in_english(page, base)
    console_sign_in(page, base, "manager")
    page.goto(f"{base}/console/stats/")
    charts = page.locator(".stats-chart:has(canvas)")
    expect(charts.first).to_be_visible()
    screenshots(page, "dashboard")
    assert charts.count() >= 6
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        canvas = charts.nth(i).locator("canvas").first.bounding_box()
        assert box and canvas, i
        # An element hidden when ECharts measured it would give a 100 px canvas.
        assert canvas["width"] >= box["width"] - 2, (i, box, canvas)
