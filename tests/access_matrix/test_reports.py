"""Monthly reports (anju/analytics) as every actor: the list, the download and "build now".

One report of estate A, one of estate B and the company's are stored (small files: what is
checked is who gets them, not what they say). Readers (policy.READS_REPORTS) list and
download exactly those in policy.REPORT_REACH; another one answers like a report that does
not exist; "build now" enqueues the worker task only for builders within their reach;
every other role is refused before anything is looked at.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django_tasks_db.models import DBTaskResult

from anju.analytics.models import MonthlyReport
from tests.access_matrix import endpoints, tally
from tests.access_matrix.endpoints import Reports
from tests.access_matrix.interfaces import check, gate
from tests.access_matrix.policy import ACTORS, BUILDS_REPORTS, READS_REPORTS, REPORT_REACH

ROWS = endpoints.rows(Reports)
MONTH = date(2025, 3, 1)
TARGETS = ("a", "b", "company")
TASK = "anju.analytics.tasks.build_monthly_reports"


def _store(cast) -> dict[str, MonthlyReport]:
    out = {}
    for target in TARGETS:
        report = MonthlyReport(estate=None if target == "company" else cast.estates[target], month=MONTH)
        report.file.save(f"matrix-{target}.pdf", ContentFile(f"%PDF-1.4 {target}".encode()), save=False)
        report.save()
        out[target] = report
    return out


def _listed(body: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="/console/reports/(\d+)/download/"', body)}


def _enqueued() -> int:
    return DBTaskResult.objects.filter(task_path=TASK).count()


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("row", [r for r in ROWS if r.use == "list"], ids=str)
def test_the_list_shows_exactly_the_reports_in_reach(cast, sessions, row, actor):
    reports = _store(cast)
    response = sessions.client(row.interface, actor).get(row.path)
    tally.count("console monthly reports list", 1)
    decided = gate(row.interface, actor)
    if decided is not None:
        assert check(row.interface, decided, response) is None
        return
    if actor not in READS_REPORTS:
        assert response.status_code == 403, actor
        assert _listed(response.content.decode()) == set()
        return
    assert response.status_code == 200
    expected = {reports[t].pk for t in TARGETS if t in REPORT_REACH[actor]}
    assert _listed(response.content.decode()) == expected, actor


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("row", [r for r in ROWS if r.use == "download"], ids=str)
def test_a_report_downloads_only_within_reach(cast, sessions, row, actor):
    reports = _store(cast)
    client = sessions.client(row.interface, actor)
    decided = gate(row.interface, actor)
    missing = max(r.pk for r in reports.values()) + 1000
    problems = []
    for target, report in [*reports.items(), ("missing", None)]:
        url = row.path.replace("{id}", str(report.pk if report else missing))
        response = client.get(url)
        tally.count("console monthly report download", 1)
        if decided is not None:
            outcome = decided
        elif actor not in READS_REPORTS:
            outcome = "refused"
        else:
            outcome = "ok" if target in REPORT_REACH[actor] else "hidden"
        if outcome == "refused":
            ok = response.status_code == 403
        elif outcome == "ok":
            ok = (response.status_code == 200
                  and response["Content-Disposition"].startswith("attachment")
                  and b"".join(response.streaming_content) == f"%PDF-1.4 {target}".encode())
        else:
            why = check(row.interface, outcome, response)
            ok = why is None
        if not ok:
            problems.append(f"{actor} {target}: expected {outcome}, got {response.status_code}")
    assert not problems, problems


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("row", [r for r in ROWS if r.use == "build"], ids=str)
def test_only_builders_have_a_report_built_within_their_reach(cast, sessions, row, actor):
    client = sessions.client(row.interface, actor)
    decided = gate(row.interface, actor)
    problems = []
    for target in TARGETS:
        value = "company" if target == "company" else str(cast.estates[target].pk)
        before = _enqueued()
        response = client.post(row.path, {"month": "2025-03", "target": value})
        tally.count("console monthly report build", 1)
        queued = _enqueued() - before
        if decided is not None:
            ok = check(row.interface, decided, response) is None and queued == 0
        elif actor not in BUILDS_REPORTS:
            ok = response.status_code == 403 and queued == 0
        else:
            ok = response.status_code == 302 and queued == (1 if target in REPORT_REACH[actor] else 0)
        if not ok:
            problems.append(f"{actor} {target}: {response.status_code}, {queued} queued")
    assert not problems, problems
