"""The console's monthly reports: who sees which, the download, and "build now"."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from anju.analytics.models import MonthlyReport
from anju.analytics.report.services import monthly_report_build
from tests.analytics.conftest import NOW

MARCH = date(2025, 3, 1)


def signed_in(user):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


@pytest.fixture
def reports(dataset, world):
    return {
        "a": monthly_report_build(estate=world["a"]["estate"], month=MARCH, now=NOW, notify=False),
        "b": monthly_report_build(estate=world["b"]["estate"], month=MARCH, now=NOW, notify=False),
        "company": monthly_report_build(estate=None, month=MARCH, now=NOW, notify=False),
    }


def listed(response) -> set[int]:
    return {r.pk for r in response.context["reports"]}


def test_a_project_manager_sees_the_reports_of_their_estates_only(reports, manager):
    response = signed_in(manager).get("/console/reports/")
    assert response.status_code == 200
    assert listed(response) == {reports["a"].pk}
    assert 'id="build-report"' not in response.content.decode()


def test_quality_sees_every_report_and_may_build(reports, quality):
    response = signed_in(quality).get("/console/reports/")
    assert listed(response) == {r.pk for r in reports.values()}
    page = response.content.decode()
    assert 'id="build-report"' in page and 'value="company"' in page


@pytest.mark.parametrize("who", ["agent", "handler", "supervisor"])
def test_other_roles_are_refused(reports, request, who):
    client = signed_in(request.getfixturevalue(who))
    assert client.get("/console/reports/").status_code == 403
    assert client.get(f"/console/reports/{reports['a'].pk}/download/").status_code == 403


def test_strangers_are_sent_to_sign_in(reports, client):
    response = client.get(f"/console/reports/{reports['a'].pk}/download/")
    assert response.status_code == 302 and "/console/login/" in response["Location"]


def test_the_download_is_an_attachment_after_the_check(reports, manager):
    client = signed_in(manager)
    response = client.get(f"/console/reports/{reports['a'].pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "2025-03.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    # Another estate's report and the company's answer like a report that does not exist.
    for other in (reports["b"], reports["company"]):
        assert client.get(f"/console/reports/{other.pk}/download/").status_code == 404
    assert client.get("/console/reports/999999/download/").status_code == 404


def test_a_missing_file_is_a_404_not_a_500(reports, quality):
    report = reports["a"]
    report.file.storage.delete(report.file.name)
    assert signed_in(quality).get(f"/console/reports/{report.pk}/download/").status_code == 404


def test_build_now_enqueues_the_chosen_report(dataset, world, quality, immediate_tasks):
    client = signed_in(quality)
    response = client.post("/console/reports/build/", {"month": "2025-03", "target": "company"}, follow=True)
    assert response.status_code == 200
    assert "is being built" in response.content.decode()
    assert MonthlyReport.objects.filter(estate=None, month=MARCH).exists()
    client.post("/console/reports/build/", {"month": "2025-03", "target": str(world["b"]["estate"].pk)})
    assert MonthlyReport.objects.filter(estate=world["b"]["estate"], month=MARCH).exists()


@pytest.mark.parametrize("month, target", [
    ("2025-13", "company"), ("tomorrow", "company"), ("2999-01", "company"), ("", "company"),
    ("2025-03", "999999"), ("2025-03", "abc"), ("2025-03", ""), ("2025-03", "1" * 40),
])
def test_build_now_explains_bad_input(dataset, quality, immediate_tasks, month, target):
    response = signed_in(quality).post("/console/reports/build/", {"month": month, "target": target},
                                       follow=True)
    assert response.status_code == 200
    assert "Choose" in response.content.decode()
    assert not MonthlyReport.objects.exists()


def test_only_quality_and_admins_build(dataset, manager, immediate_tasks, world):
    response = signed_in(manager).post("/console/reports/build/",
                                       {"month": "2025-03", "target": str(world["a"]["estate"].pk)})
    assert response.status_code == 403
    assert not MonthlyReport.objects.exists()
    assert signed_in(manager).get("/console/reports/build/").status_code == 405
