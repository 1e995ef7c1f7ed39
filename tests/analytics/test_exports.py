"""Tables to Excel and CSV: real types, formats, widths, and defused formulas."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from anju.analytics.exports import display_width, table_response, to_csv, to_xlsx
from anju.analytics.tables import Column, Table

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def sample() -> Table:
    return Table(
        title="Estates: by category / month",
        columns=[
            Column("name", "Category"),
            Column("count", "Complaints", "int"),
            Column("avg", "Satisfaction", "number"),
            Column("share", "Share", "percent"),
            Column("median", "Median resolution", "duration"),
            Column("day", "Day", "date"),
            Column("at", "Raised at", "datetime"),
        ],
        rows=[
            {"name": "工程维修（漏水、管道、门窗）", "count": 1234, "avg": Decimal("4.25"), "share": 0.1234,
             "median": 5400, "day": date(2026, 3, 1),
             "at": datetime(2026, 3, 1, 1, 30, tzinfo=ZoneInfo("UTC"))},
            {"name": "=HYPERLINK(\"http://evil\")", "count": 7, "avg": None, "share": 1,
             "median": None, "day": None, "at": None},
            {"name": "-2+3", "count": 0, "avg": 3, "share": 0, "median": 0, "day": date(2026, 3, 2),
             "at": None},
        ],
    )


def open_book(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_it_writes_one_sheet_per_table_with_a_bold_frozen_header():
    other = Table(title="Estates: by category / month", columns=[Column("x", "X", "int")], rows=[{"x": 1}])
    book = open_book(to_xlsx([sample(), other]))
    assert len(book.sheetnames) == 2
    assert book.sheetnames[0] == "Estates  by category   month"
    assert book.sheetnames[1] != book.sheetnames[0]  # unique even when titles are equal
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == ["Category", "Complaints", "Satisfaction", "Share",
                                           "Median resolution (hours)", "Day", "Raised at"]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"


def test_it_keeps_real_types_and_number_formats():
    sheet = open_book(to_xlsx(sample())).active
    name, count, avg, share, median, day, at = (c for c in sheet[2])
    assert count.value == 1234 and isinstance(count.value, int)
    assert avg.value == 4.25 and avg.number_format == "0.00"
    assert share.value == pytest.approx(0.1234) and share.number_format == "0.0%"
    assert median.value == 1.5 and median.number_format == "0.0"  # 5400 s = 1.5 h
    assert day.value == datetime(2026, 3, 1) and day.is_date
    # Stored in local time (Asia/Shanghai), without a zone: 01:30 UTC is 09:30 in Shanghai.
    assert at.value == datetime(2026, 3, 1, 9, 30) and at.number_format == "yyyy-mm-dd hh:mm"
    assert name.value == "工程维修（漏水、管道、门窗）"
    empty = [c.value for c in sheet[3]][2:]
    assert empty == [None, 1, None, None, None]


def test_it_stores_formula_like_text_as_text_in_excel():
    sheet = open_book(to_xlsx(sample())).active
    assert sheet["A3"].value == '=HYPERLINK("http://evil")'
    assert sheet["A3"].data_type == "s"
    assert sheet["A4"].value == "-2+3" and sheet["A4"].data_type == "s"
    # A negative or zero number is a number, not text.
    assert sheet["B4"].value == 0 and sheet["B4"].data_type == "n"


def test_it_fits_widths_to_content_counting_chinese_twice():
    sheet = open_book(to_xlsx(sample())).active
    chinese = "工程维修（漏水、管道、门窗）"
    assert display_width(chinese) == 28
    assert sheet.column_dimensions["A"].width == 30
    assert sheet.column_dimensions["B"].width == len("Complaints") + 2
    long = Table(title="t", columns=[Column("t", "T")], rows=[{"t": "字" * 200}])
    assert open_book(to_xlsx(long)).active.column_dimensions["A"].width == 60


def test_csv_starts_with_a_bom_and_reads_back():
    text = to_csv(sample())
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][4] == "Median resolution (hours)"
    assert rows[1] == ["工程维修（漏水、管道、门窗）", "1234", "4.25", "12.3%", "1.5", "2026-03-01",
                       "2026-03-01 09:30"]
    assert rows[3][3] == "0.0%"


def test_csv_defuses_formulas_with_an_apostrophe():
    rows = list(csv.reader(io.StringIO(to_csv(sample()).removeprefix("\ufeff"))))
    assert rows[2][0] == "'=HYPERLINK(\"http://evil\")"
    assert rows[3][0] == "'-2+3"
    for danger in ("+1", "@SUM(A1)", "\tx"):
        table = Table(title="t", columns=[Column("t", "T")], rows=[{"t": danger}])
        assert to_csv(table).splitlines()[1].lstrip('"').startswith("'")


def test_csv_of_several_tables_puts_each_under_its_title():
    rows = list(csv.reader(io.StringIO(to_csv([sample(), sample()]).removeprefix("\ufeff"))))
    assert rows[0] == ["Estates: by category / month"]
    assert rows[5] == []
    assert rows[6] == ["Estates: by category / month"]


def test_the_response_downloads_xlsx_with_a_chinese_filename():
    response = table_response(sample(), "xlsx", "翠湖苑 2026-03")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E7%BF%A0" in response["Content-Disposition"]
    assert open_book(response.content).active["B2"].value == 1234


def test_the_response_downloads_csv_as_utf8():
    response = table_response([sample()], "CSV", "../x/report")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    assert "/" not in response["Content-Disposition"]


def test_an_unknown_format_is_a_400_in_the_users_language(settings):
    response = table_response(sample(), "pdf", "x")
    assert response.status_code == 400
    assert "use xlsx or csv" in response.content.decode()
    settings.LANGUAGE_CODE = "zh-hans"
    from django.utils import translation

    with translation.override("zh-hans"):
        response = table_response(sample(), "<script>", "x")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")


def test_a_mixed_number_column_takes_each_rows_kind():
    columns = [Column("figure", "Figure"), Column("value", "Value", "number")]
    table = Table(title="Key figures", columns=columns,
                  rows=[{"figure": "Received", "value": 9, "kind": "int"},
                        {"figure": "On time", "value": 0.5, "kind": "percent"},
                        {"figure": "Median", "value": 5400 + 59, "kind": "duration"},
                        {"figure": "Average", "value": 3.75, "kind": "number"}])
    sheet = open_book(to_xlsx(table)).active
    assert (sheet["B2"].value, sheet["B2"].number_format) == (9, "#,##0")
    assert (sheet["B3"].value, sheet["B3"].number_format) == (0.5, "0.0%")
    assert sheet["B4"].number_format == "[h]:mm"
    assert sheet["B4"].value == timedelta(hours=1, minutes=31)  # read back as a duration
    assert sheet["B1"].value == "Value"  # no unit needed in the header
    rows = list(csv.reader(io.StringIO(to_csv(table).removeprefix("\ufeff"))))
    assert [r[1] for r in rows[1:]] == ["9", "50.0%", "1:31", "3.75"]


def test_the_real_key_figures_export(dataset, manager, scope_for):
    from anju.analytics import metrics, tables_of

    scope = scope_for(manager)
    table = tables_of.summary_table(metrics.summary(scope), metrics.summary(scope.previous()))
    sheet = open_book(to_xlsx(table)).active
    values = {row[0].value: (row[1].value, row[2].value) for row in sheet.iter_rows(min_row=2)}
    assert values["Received"] == (9, 1)
    assert sheet.freeze_panes == "A2"
