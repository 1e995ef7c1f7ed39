"""The monthly report: its figures (on the handmade March 2025 of conftest.py), its PDF,
storing and replacing it, the worker's schedule and the notifications."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, datetime, timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import translation

from anju.analytics.models import MonthlyReport
from anju.analytics.report import data, fonts, pdf
from anju.analytics.report.reach import SystemViewer
from anju.analytics.report.services import build_due, build_pdf, monthly_report_build, previous_month
from anju.complaints.access import visible_complaints
from anju.notify.models import Message
from anju.warnings.models import Kind, Warning
from anju.worker.schedule import REGISTRY
from tests.analytics.conftest import NOW, TZ

MARCH = date(2025, 3, 1)


def pdf_text(content: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: the PDF's text cannot be read back")
    path = tmp_path / "r.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout


@pytest.fixture
def warnings_of_march(dataset, world):
    """A warning about c1 (estate A), one about the confidential c8, one about c9 (estate B),
    an estate-A hotspot with no complaint of its own, and one raised in April."""
    def make(key, kind, complaint, *, estate, when, acknowledged=False):
        return Warning.objects.create(kind=kind, key=key, complaint=complaint, estate=estate,
                                      reason_code="test", raised_at=when,
                                      acknowledged_at=when + timedelta(hours=1) if acknowledged else None)

    a, b = world["a"]["estate"], world["b"]["estate"]
    make("w1", Kind.SLA_BREACH, dataset["c1"], estate=a, when=datetime(2025, 3, 5, 9, tzinfo=TZ),
         acknowledged=True)
    make("w2", Kind.SLA_BREACH, dataset["c8"], estate=a, when=datetime(2025, 3, 12, 12, tzinfo=TZ))
    make("w3", Kind.REPEAT, dataset["c9"], estate=b, when=datetime(2025, 3, 14, 9, tzinfo=TZ))
    make("w4", Kind.HOTSPOT, None, estate=a, when=datetime(2025, 3, 31, 23, 30, tzinfo=TZ))
    make("w5", Kind.SLA_BREACH, dataset["c6"], estate=a, when=datetime(2025, 4, 1, 0, 30, tzinfo=TZ))


# --------------------------------------------------------------------------- reach


def test_an_estate_report_reads_like_a_project_manager_of_that_estate(dataset, world, manager):
    viewer = SystemViewer(world["a"]["estate"])
    march = visible_complaints(viewer).filter(created_at__month=3)
    assert set(march) == set(visible_complaints(manager).filter(created_at__month=3))
    assert dataset["c8"] not in march  # confidential
    assert dataset["c9"] not in visible_complaints(viewer)  # estate B


def test_the_company_report_reads_everything_like_quality(dataset):
    viewer = SystemViewer(None)
    assert visible_complaints(viewer).count() == len(dataset)


# --------------------------------------------------------------------------- figures


def test_the_estate_figures_are_the_managers(dataset, world):
    report = data.collect(world["a"]["estate"], MARCH, now=NOW)
    assert report.figures["received"] == (9, 1)  # c1-c7, c10, c12; before: c11 in February
    assert report.figures["withdrawn"] == (1, 0)
    assert report.figures["referred_out"] == (1, 0)
    assert report.figures["merged"] == (1, 0)
    # The last rating of each complaint: c1 5, c2 4, c3 5 (after reopening), c7 1.
    assert report.figures["satisfaction_avg"][0] == pytest.approx((5 + 4 + 5 + 1) / 4)
    assert [b.label for b in report.places] == ["翠湖苑 1栋"]


def test_the_company_figures_include_confidential_and_every_estate(dataset):
    report = data.collect(None, MARCH, now=NOW)
    assert report.figures["received"] == (11, 1)
    assert sorted((b.label, b.count) for b in report.places) == [("翠湖苑", 10), ("锦绣园", 1)]


def test_every_day_of_the_month_has_a_bar(dataset, world):
    report = data.collect(world["a"]["estate"], MARCH, now=NOW)
    assert len(report.daily) == 31
    assert report.daily[0].key == "2025-03-01" and report.daily[-1].key == "2025-03-31"
    by_day = {int(b.key[-2:]): b.count for b in report.daily}
    assert by_day[3] == 1 and by_day[8] == 0 and by_day[12] == 0  # c8 is confidential
    assert sum(by_day.values()) == 9


def test_causes_and_dissatisfaction(dataset, world, categories):
    report = data.collect(world["a"]["estate"], MARCH, now=NOW)
    assert [(r.key, r.count) for r in report.categories][:1] == [(str(categories["repair"].pk), 7)]
    assert report.categories[-1].cumulative == pytest.approx(1.0)
    causes = {r.key: r.count for r in report.root_causes}
    assert causes == {"facility_ageing": 3, "workmanship": 1}  # c1 c2 c7, c3 (its last resolution)
    reasons = {b.key: b.count for b in report.dissatisfaction}
    assert reasons == {"speed": 1, "attitude": 1, "none": 1}


def test_the_months_warnings_by_kind_within_reach(warnings_of_march, world):
    estate = data.collect(world["a"]["estate"], MARCH, now=NOW).warnings
    assert [(w.kind, w.count, w.open) for w in estate] == [("hotspot", 1, 1), ("sla_breach", 1, 0)]
    company = data.collect(None, MARCH, now=NOW).warnings
    assert {(w.kind, w.count, w.open) for w in company} == {
        ("sla_breach", 2, 1), ("repeat", 1, 1), ("hotspot", 1, 1)}


def test_an_empty_month_still_makes_a_report(dataset, world):
    report = data.collect(world["b"]["estate"], date(2025, 1, 1), now=NOW)
    assert report.figures["received"] == (0, 0)
    assert report.categories == [] and report.warnings == []
    content, pages = pdf.render(report)
    assert content.startswith(b"%PDF") and 1 <= pages <= 2


# --------------------------------------------------------------------------- the PDF


def test_the_pdf_embeds_a_chinese_font_and_shows_the_figures(dataset, world, warnings_of_march, tmp_path):
    content, pages = build_pdf(world["a"]["estate"], MARCH, now=NOW, language="zh-hans")
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
    assert pages >= 2
    assert len(re.findall(rb"/Type /Page\b", content)) == pages
    if fonts.cjk_font() == fonts.NAME:
        assert b"/FontFile2" in content  # the TrueType font is embedded (subset)
    text = pdf_text(content, tmp_path)
    assert "翠湖苑" in text
    assert "2025年3月" in text
    assert "1栋" in text


def test_the_english_pdf_lists_key_figures_causes_and_warnings(dataset, world, warnings_of_march, tmp_path):
    with translation.override("en"):
        content, _pages = pdf.render(data.collect(world["a"]["estate"], MARCH, now=NOW))
    text = " ".join(pdf_text(content, tmp_path).split())
    assert "Monthly complaint report" in text
    assert "Complaints received 9 1 +8" in text
    assert "Key figures" in text and "Top root causes" in text
    assert "Deadline missed 1 0" in text and "Hotspot 1 1" in text
    assert "confidential complaints are left out" in text


def test_without_a_truetype_font_the_built_in_cid_font_is_used(dataset, world, monkeypatch, tmp_path):
    assert fonts._load_truetype([("/nonexistent/font.ttc", 0), (str(tmp_path), 0)]) is None
    bad = tmp_path / "broken.ttf"
    bad.write_bytes(b"not a font")
    assert fonts._load_truetype([(str(bad), 0)]) is None
    monkeypatch.setattr(pdf, "cjk_font", fonts.fallback_font)
    content, pages = pdf.render(data.collect(world["a"]["estate"], MARCH, now=NOW))
    assert pages >= 1 and b"STSong-Light" in content


# --------------------------------------------------------------------------- storing, notifying


def test_building_stores_the_file_and_tells_the_projects_managers(dataset, world, manager, quality,
                                                                 django_capture_on_commit_callbacks):
    report = monthly_report_build(estate=world["a"]["estate"], month=date(2025, 3, 17), now=NOW)
    assert report.month == MARCH
    assert report.file.name.startswith("reports/2025-03/")
    assert default_storage.exists(report.file.name)
    assert report.size == default_storage.size(report.file.name) and report.pages >= 2
    told = Message.objects.filter(channel=Message.Channel.IN_APP, kind="monthly_report")
    assert list(told.values_list("user__username", flat=True)) == ["manager"]
    assert f"/console/reports/{report.pk}/download/" in told.get().body


def test_building_again_replaces_the_file_and_keeps_the_link(dataset, world, manager,
                                                             django_capture_on_commit_callbacks):
    first = monthly_report_build(estate=world["a"]["estate"], month=MARCH, now=NOW)
    old = first.file.name
    with django_capture_on_commit_callbacks(execute=True):
        again = monthly_report_build(estate=world["a"]["estate"], month=MARCH, now=NOW + timedelta(days=1))
    assert again.pk == first.pk
    assert MonthlyReport.objects.filter(estate=world["a"]["estate"], month=MARCH).count() == 1
    assert again.file.name != old and default_storage.exists(again.file.name)
    assert not default_storage.exists(old)
    assert Message.objects.filter(kind="monthly_report").count() == 1  # told once


def test_the_company_report_goes_to_quality_and_admins(dataset, admin_user, quality, manager):
    report = monthly_report_build(estate=None, month=MARCH, now=NOW)
    assert report.estate is None
    told = set(Message.objects.filter(kind="monthly_report").values_list("user__username", flat=True))
    assert told == {"quality", "admin"}


def test_the_hourly_job_builds_last_months_missing_reports_once(dataset, world, manager, quality):
    on_the_first = datetime(2025, 4, 1, 0, 5, tzinfo=TZ)
    assert previous_month(on_the_first.date()) == MARCH
    built = build_due(now=on_the_first)
    assert sorted(str(r.estate) for r in built) == ["None", "翠湖苑", "锦绣园"]
    assert build_due(now=on_the_first + timedelta(hours=1)) == []
    assert MonthlyReport.objects.filter(month=MARCH).count() == 3
    assert Message.objects.filter(kind="monthly_report").count() == 2  # manager of A; quality


def test_the_task_is_scheduled_hourly_and_builds_on_demand(dataset, world, immediate_tasks):
    from anju.analytics.tasks import build_monthly_reports

    job = REGISTRY["anju.analytics.tasks.build_monthly_reports"]
    assert job.every == timedelta(hours=1)
    build_monthly_reports.enqueue(month="2025-03-20", estate_id=world["b"]["estate"].pk)
    build_monthly_reports.enqueue(month="2025-03-01", company=True)
    build_monthly_reports.enqueue(month="2025-03-01", estate_id=999999)  # gone: nothing
    assert sorted(str(r.estate) for r in MonthlyReport.objects.all()) == ["None", "锦绣园"]


def test_one_report_is_kept_per_estate_and_month(dataset, world):
    from django.db import IntegrityError, transaction

    MonthlyReport.objects.create(estate=None, month=MARCH, file="reports/x.pdf")
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyReport.objects.create(estate=None, month=MARCH, file="reports/y.pdf")
    MonthlyReport.objects.create(estate=world["a"]["estate"], month=MARCH, file="reports/z.pdf")
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyReport.objects.create(estate=world["a"]["estate"], month=MARCH, file="reports/w.pdf")
