"""The dashboards and league tables as pages: who may open them, what they show, bad input."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from anju.analytics import metrics
from anju.analytics.scope import Scope
from anju.complaints.models import Complaint

pytestmark = pytest.mark.django_db

MARCH = "start=2025-03-01&end=2025-03-31"


def signed_in(user):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def figure(page: str, name: str) -> tuple[str, str]:
    """The value and the previous value shown on a key-figure card."""
    match = re.search(rf'data-figure="{name}">.*?stats-figure-value">([^<]*)<.*?before: ([^<·]*)',
                      page, re.S)
    assert match, name
    return match.group(1).strip(), match.group(2).strip()


def chart_data(page: str) -> dict:
    match = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', page, re.S)
    assert match
    return json.loads(match.group(1))


@pytest.mark.parametrize("who", ["supervisor", "manager", "quality", "admin_user"])
def test_managers_open_the_headquarters_dashboard(dataset, who, request):
    response = signed_in(request.getfixturevalue(who)).get(f"/console/stats/?{MARCH}")
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["agent", "handler"])
def test_agents_and_handlers_may_not(dataset, who, request):
    client = signed_in(request.getfixturevalue(who))
    for url in ("/console/stats/", "/console/stats/league/", "/console/stats/estate/1/",
                "/console/stats/department/1/"):
        assert client.get(url).status_code == 403


def test_residents_and_strangers_may_not(dataset, resident):
    assert signed_in(resident.user).get("/console/stats/").status_code == 403
    assert Client().get("/console/stats/").status_code == 302  # to the sign-in page


def test_the_dashboard_shows_the_figures_of_the_viewers_reach(dataset, manager):
    page = signed_in(manager).get(f"/console/stats/?{MARCH}").content.decode()
    assert figure(page, "received") == ("9", "1")
    assert figure(page, "resolved") == ("3", "0")
    assert figure(page, "satisfaction_avg") == ("3.75", "—")
    assert figure(page, "resolution_median_s") == ("14 h 0 min", "—")
    assert figure(page, "repeat_rate")[0] == "11.1%"
    data = chart_data(page)
    assert sum(b["count"] for b in data["volume"]) == 9
    assert [(r["label"], r["count"]) for r in data["pareto_root_cause"]] == [
        ("Ageing or faulty facility", 3), ("Poor workmanship", 1)]
    assert {b["label"]: b["count"] for b in data["dissatisfaction"]} == {
        "Speed": 1, "Attitude": 1, "No reason given": 1}
    assert data["heatmap"]["rows"] == ["翠湖苑 1栋"]
    # Nothing of estate B nor the confidential complaint.
    assert dataset["c9"].number not in page and "锦绣园" not in page


def test_quality_sees_everything(dataset, quality):
    page = signed_in(quality).get(f"/console/stats/?{MARCH}").content.decode()
    assert figure(page, "received") == ("11", "1")
    assert {b["label"] for b in chart_data(page)["by"]["estate"]} == {"翠湖苑", "锦绣园"}


def test_week_and_month_intervals(dataset, manager):
    client = signed_in(manager)
    weeks = chart_data(client.get(f"/console/stats/?{MARCH}&interval=week").content.decode())["volume"]
    assert [b["count"] for b in weeks] == [5, 2, 2]
    months = chart_data(client.get(f"/console/stats/?{MARCH}&interval=month").content.decode())["volume"]
    assert [(b["label"], b["count"]) for b in months] == [("2025-03", 9)]


def test_a_chart_links_to_the_complaints_behind_it(dataset, manager):
    client = signed_in(manager)
    data = chart_data(client.get(f"/console/stats/?{MARCH}").content.decode())
    late_link = next(b["link"] for b in data["volume"] if b["label"] == "2025-03-04")
    listing = client.get(late_link).content.decode()
    assert dataset["c2"].number in listing
    assert dataset["c1"].number not in listing and dataset["c3"].number not in listing
    speed = next(b["link"] for b in data["dissatisfaction"] if b["label"] == "Speed")
    listing = client.get(speed).content.decode()
    assert dataset["c3"].number in listing and dataset["c7"].number not in listing


def test_the_late_figure_lists_the_late_complaints(dataset, manager):
    client = signed_in(manager)
    page = client.get(f"/console/stats/?{MARCH}").content.decode()
    link = re.search(r'href="([^"]*)" data-figure="resolve_on_time_rate"', page).group(1)
    params = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
    assert params["outcome"] == ["resolve_late"]
    listing = client.get(link.replace("&amp;", "&")).content.decode()
    assert dataset["c2"].number in listing and dataset["c6"].number in listing
    assert dataset["c1"].number not in listing


def test_estate_dashboard_within_reach_only(dataset, manager, quality, estate_a, estate_b):
    assert signed_in(manager).get(f"/console/stats/estate/{estate_a.pk}/?{MARCH}").status_code == 200
    assert signed_in(manager).get(f"/console/stats/estate/{estate_b.pk}/").status_code == 404
    page = signed_in(quality).get(f"/console/stats/estate/{estate_b.pk}/?{MARCH}").content.decode()
    assert figure(page, "received") == ("1", "0")


def test_department_dashboard(dataset, supervisor, manager, departments):
    eng, env = departments["engineering"], departments["environment"]
    page = signed_in(manager).get(f"/console/stats/department/{env.pk}/?{MARCH}").content.decode()
    assert figure(page, "received") == ("1", "0")
    assert signed_in(supervisor).get(f"/console/stats/department/{eng.pk}/").status_code == 200
    assert signed_in(supervisor).get(f"/console/stats/department/{env.pk}/").status_code == 404
    assert signed_in(supervisor).get("/console/stats/department/999999/").status_code == 404


@pytest.mark.parametrize("query", [
    "start=yesterday", "start=2025-13-45", "start=2025-03-31&end=2025-03-01", "estate=abc",
    "channel=fax", "category=%00", "department=-1", "interval=year", "start=0001-01-01&end=9999-12-31",
    "estate=99999999999999999999",
])
def test_bad_filters_give_a_message_not_an_error(dataset, manager, query):
    response = signed_in(manager).get(f"/console/stats/?{query}")
    assert response.status_code == 200
    assert 'class="message message-error"' in response.content.decode()


def test_messages_are_translated(dataset, manager, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    client = Client(headers={"Accept-Language": "zh-hans"})
    client.force_login(manager)
    response = client.get("/console/stats/?start=2025-03-31&end=2025-03-01")
    assert response.status_code == 200
    assert 'class="message message-error"' in response.content.decode()


def test_league_tables(dataset, manager, supervisor):
    page = signed_in(manager).get(f"/console/stats/league/?by=department&{MARCH}").content.decode()
    assert "Engineering" in page and "Environment" in page
    assert "50.0%" in page  # engineering on time
    page = signed_in(supervisor).get(f"/console/stats/league/?by=handler&{MARCH}").content.decode()
    assert "王师傅" in page and "保洁刘阿姨" not in page
    bad = signed_in(manager).get("/console/stats/league/?by=everyone")
    assert bad.status_code == 200 and 'class="message message-error"' in bad.content.decode()


def test_league_downloads(dataset, manager):
    pytest.importorskip("anju.analytics.exports")
    client = signed_in(manager)
    response = client.get(f"/console/stats/league/?by=department&{MARCH}&format=csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert any(r and r[0] == "Engineering" and r[1] == "4" for r in rows)
    xlsx = client.get(f"/console/stats/league/?by=handler&{MARCH}&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get("/console/stats/league/?format=pdf").status_code == 400


def test_the_page_loads_echarts_from_our_own_static_files(dataset, manager):
    page = signed_in(manager).get(f"/console/stats/?{MARCH}").content.decode()
    assert "vendor/echarts/echarts.min.js" in page and "analytics/dashboard.js" in page
    assert "<script>" not in page  # no inline script (CSP)
    assert Complaint.objects.count() == 12


def test_the_inbox_ignores_bad_drill_down_values(dataset, manager):
    client = signed_in(manager)
    response = client.get("/console/?tab=all&from=nonsense&buildings=x,%00&outcome=everything&reason=<b>")
    assert response.status_code == 200
    response = client.get("/console/?tab=all&from=2025-03-04&to=2025-03-04")
    page = response.content.decode()
    assert dataset["c2"].number in page and dataset["c1"].number not in page


def test_the_dashboard_runs_a_fixed_small_number_of_queries(dataset, quality, estate_a):
    """Aggregates only: the count does not grow with the data (one summary = 1 query + percentiles)."""
    client = signed_in(quality)
    client.get(f"/console/stats/?{MARCH}")  # warm the caches of the console chrome
    with CaptureQueriesContext(connection) as page:
        assert client.get(f"/console/stats/?{MARCH}").status_code == 200
    with CaptureQueriesContext(connection) as empty:
        client.get("/console/stats/?start=2020-01-01&end=2020-01-31")
    assert len(page) <= len(empty) + 8  # the percentiles on SQLite read rows per fraction
    scope = Scope(user=quality, start=date(2025, 3, 1), end=date(2025, 3, 31))
    with CaptureQueriesContext(connection) as one:
        metrics.summary(scope)
    # PostgreSQL: the counts, then the percentiles as ordered-set aggregates; SQLite: the
    # counts, then a count and a row per fraction for each of the two durations.
    assert len(one) == (2 if connection.vendor == "postgresql" else 7)
    with CaptureQueriesContext(connection) as whole:
        board = metrics.board(scope, "day", ["category", "estate", "building", "facility", "channel",
                                             "department"])
    assert board.now.received > 0 and board.heatmap.cells
    # Both periods' counts and percentiles, every count (grouping sets), the reasons, the names of
    # buildings and of facilities (none here without facility complaints); SQLite adds a
    # query per grouping set and its percentile reads.
    assert len(whole) <= (6 if connection.vendor == "postgresql" else 20)
