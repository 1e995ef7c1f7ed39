"""Importing rooms and residents from .xlsx and CSV files, row by row."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from openpyxl import Workbook

from anju.estates import importing
from anju.estates.importing import UnreadableFile, import_file, read_table
from anju.estates.models import Building, Residency, Resident, Room, Unit

ROOM_HEADERS = ["楼栋", "单元", "房号", "楼层", "面积（㎡）"]
RESIDENT_HEADERS = ["姓名", "手机", "楼栋", "单元", "房号", "关系"]


def write_xlsx(path, rows):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def write_csv(path, rows, encoding="utf-8-sig"):
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def rooms_of(estate):
    return {(r.unit.building.name, r.unit.name, r.number)
            for r in Room.objects.filter(unit__building__estate=estate).select_related("unit__building")}


# --------------------------------------------------------------------------- rooms


def test_it_imports_rooms_from_an_xlsx_with_chinese_headings(tmp_path, estate_a):
    path = write_xlsx(tmp_path / "rooms.xlsx", [
        ROOM_HEADERS,
        [2, 1, 101, 1, 89.5],  # numbers as Excel stores them
        ["2栋", "2单元", "1201", None, "126.3㎡"],
        ["2栋", "2单元", "1202室", "12", None],
    ])
    result = import_file("rooms", estate=estate_a, source=path)

    assert result.ok and result.rows == 3 and result.created == 3
    assert (result.buildings_created, result.units_created) == (1, 2)
    room = Room.objects.get(unit__building__estate=estate_a, unit__building__name="2栋",
                            unit__name="2单元", number="1201")
    assert room.floor == 12 and room.area_m2 == Decimal("126.30")
    assert Room.objects.get(unit__name="1单元", unit__building__name="2栋").area_m2 == Decimal("89.50")
    assert Building.objects.get(estate=estate_a, name="2栋").floors == 12


def test_title_rows_above_the_headings_are_passed_over(tmp_path, estate_a):
    path = write_xlsx(tmp_path / "rooms.xlsx", [
        ["翠湖苑房屋清单（2026年11月）"],
        [],
        ROOM_HEADERS,
        ["12栋", "1单元", "1501", None, None],
        ["12栋", "1单元", "", None, None],
    ])
    result = import_file("rooms", estate=estate_a, source=path)
    assert result.created == 1 and [e.row for e in result.errors] == [5]
    assert Room.objects.get(unit__building__name="12栋", number="1501").floor == 15


def test_it_reads_english_headings_from_a_utf8_csv(tmp_path, estate_a):
    path = write_csv(tmp_path / "rooms.csv", [
        ["Building", "Unit", "Room", "Floor", "Area_m2", "Remarks"],
        ["3栋", "1单元", "301", "3", "100"],
    ], encoding="utf-8")
    result = import_file("rooms", estate=estate_a, source=path)
    assert result.ok and result.created == 1
    assert result.ignored_columns == ["Remarks"]
    assert ("3栋", "1单元", "301") in rooms_of(estate_a)


def test_it_reads_a_csv_saved_by_chinese_excel_in_gb18030(tmp_path, estate_a):
    path = write_csv(tmp_path / "rooms.csv", [ROOM_HEADERS, ["5栋", "1单元", "502", "5", "88"]],
                     encoding="gb18030")
    result = import_file("rooms", estate=estate_a, source=path)
    assert result.ok and ("5栋", "1单元", "502") in rooms_of(estate_a)


def test_bad_rows_are_reported_by_row_and_column_while_good_rows_are_imported(tmp_path, estate_a):
    path = write_csv(tmp_path / "rooms.csv", [
        ROOM_HEADERS,
        ["6栋", "1单元", "101", "1", "90"],
        ["6栋", "1单元", "", "1", "90"],
        ["6栋", "1单元", "102", "十二", "90"],
        [],
        ["6栋", "1单元", "103", "1", "-5"],
        ["6栋", "1单元", "104", "1", "90"],
    ])
    result = import_file("rooms", estate=estate_a, source=path)

    assert not result.ok and result.created == 2 and result.failed_rows == 3
    assert [(e.row, e.column) for e in result.errors] == [(3, "房号"), (4, "楼层"), (6, "面积（㎡）")]
    assert all(e.message for e in result.errors)
    assert {("6栋", "1单元", "101"), ("6栋", "1单元", "104")} <= rooms_of(estate_a)
    assert ("6栋", "1单元", "102") not in rooms_of(estate_a)


def test_rooms_already_there_are_skipped_not_duplicated(tmp_path, estate_a):
    path = write_csv(tmp_path / "rooms.csv", [
        ROOM_HEADERS, ["1栋", "1单元", "101", "1", ""], ["1", "1", "103", "", ""],
        ["1栋", "1单元", "103", "", ""],
    ])
    first = import_file("rooms", estate=estate_a, source=path)
    assert first.ok and first.created == 1
    assert [issue.row for issue in first.skipped] == [2, 4]
    assert "1栋1单元101" in first.skipped[0].message

    again = import_file("rooms", estate=estate_a, source=path)
    assert again.ok and again.created == 0 and len(again.skipped) == 3
    assert Room.objects.filter(unit__building__estate=estate_a, number="103").count() == 1


def test_a_row_failing_midway_leaves_nothing_of_itself(tmp_path, estate_a, monkeypatch):
    real_save = Room.save

    def save(room, *args, **kwargs):
        if room.number == "666":
            raise IntegrityError("disk full, say")
        return real_save(room, *args, **kwargs)

    monkeypatch.setattr(Room, "save", save)
    path = write_csv(tmp_path / "rooms.csv", [
        ROOM_HEADERS, ["99栋", "9单元", "666", "6", ""], ["99栋", "9单元", "667", "6", ""],
    ])
    result = import_file("rooms", estate=estate_a, source=path)

    assert [e.row for e in result.errors] == [2]
    # The building and unit the failed row created were undone with it; the next row made them anew.
    assert result.created == 1 and (result.buildings_created, result.units_created) == (1, 1)
    assert Building.objects.filter(estate=estate_a, name="99栋").count() == 1
    assert Unit.objects.filter(building__name="99栋").count() == 1
    assert rooms_of(estate_a) >= {("99栋", "9单元", "667")}


def test_a_file_without_unit_column_puts_rooms_in_unit_1(tmp_path, estate_b):
    path = write_csv(tmp_path / "villas.csv", [["楼栋", "房号"], ["别墅A", "1"]])
    assert import_file("rooms", estate=estate_b, source=path).ok
    assert ("别墅A", "1单元", "1") in rooms_of(estate_b)


def test_thousands_of_rows_take_a_few_queries_each(tmp_path, estate_a, django_assert_max_num_queries):
    rows = [ROOM_HEADERS] + [[f"{b}栋", f"{u}单元", f"{f}0{n}", f, 90]
                             for b in range(20, 25) for u in (1, 2) for f in range(1, 31)
                             for n in (1, 2, 3, 4)]
    path = write_csv(tmp_path / "many.csv", rows)
    with django_assert_max_num_queries(4 * 1200 + 20):
        result = import_file("rooms", estate=estate_a, source=path)
    assert result.ok and result.created == 1200


# --------------------------------------------------------------------------- residents


def test_residents_are_registered_at_their_rooms_and_bad_rows_explained(tmp_path, world):
    estate = world["a"]["estate"]
    path = write_xlsx(tmp_path / "residents.xlsx", [
        RESIDENT_HEADERS,
        ["王五", "13700001234", "1栋", "1单元", "101", "业主"],
        ["赵六", "137 0000 5678", 1, 1, 102, "租户"],
        ["钱七", "12345", "1栋", "1单元", "101", "家属"],
        ["孙八", "13700009999", "1栋", "1单元", "999", "业主"],
        ["周九", "13700008888", "1栋", "1单元", "102", "朋友"],
        ["王五", "13700001234", "1栋", "1单元", "101", "owner"],
        ["吴十", "13700007777", "1栋", "1单元", "102", ""],
    ])
    result = import_file("residents", estate=estate, source=path)

    assert [(e.row, e.column) for e in result.errors] == [(4, "手机"), (5, "房号"), (6, "关系")]
    assert result.created == 3 and result.residents_created == 3
    assert [issue.row for issue in result.skipped] == [7]
    zhao = Resident.objects.with_phone("13700005678").get()
    assert zhao.residencies.get().relation == Residency.Relation.TENANT
    assert Resident.objects.with_phone("13700007777").get().residencies.get().relation == "owner"
    assert not Resident.objects.with_phone("13700009999").exists()
    assert not Resident.objects.with_phone("13700008888").exists()


def test_a_known_number_is_not_given_to_someone_with_another_name(tmp_path, world, resident):
    estate = world["a"]["estate"]
    path = write_csv(tmp_path / "residents.csv", [
        RESIDENT_HEADERS, ["冒名", resident.phone, "1栋", "1单元", "102", "业主"],
        [resident.name, resident.phone, "1栋", "1单元", "102", "家属"],
    ])
    result = import_file("residents", estate=estate, source=path)
    assert [(e.row, e.column) for e in result.errors] == [(2, "手机")]
    assert resident.phone not in result.errors[0].message  # masked
    assert result.created == 1
    assert set(resident.rooms.values_list("number", flat=True)) == {"101", "102"}


# --------------------------------------------------------------------------- whole files


def test_files_that_cannot_be_read_are_refused_as_a_whole(tmp_path):
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "broken.xlsx").write_bytes(b"PK not really a zip")
    write_csv(tmp_path / "wrong.csv", [["名称", "备注"], ["x", "y"]])
    (tmp_path / "empty.csv").write_bytes(b"")
    for name in ("old.xls", "broken.xlsx", "wrong.csv", "empty.csv", "missing.csv"):
        with pytest.raises(UnreadableFile):
            read_table(tmp_path / name, kind="rooms")


def test_a_file_object_from_an_upload_can_be_imported(estate_a):
    data = io.BytesIO("楼栋,单元,房号\n8栋,1单元,801\n".encode())
    result = import_file("rooms", estate=estate_a, source=data, filename="upload.csv")
    assert result.ok and ("8栋", "1单元", "801") in rooms_of(estate_a)


def test_the_residents_import_needs_name_and_phone_columns(tmp_path):
    path = write_csv(tmp_path / "rooms.csv", [ROOM_HEADERS])
    with pytest.raises(UnreadableFile) as error:
        read_table(path, kind="residents")
    assert "name" in str(error.value) or "姓名" in str(error.value)


# --------------------------------------------------------------------------- the command


def run(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err, no_progress=True, **options)
    return out.getvalue(), err.getvalue()


def test_the_command_exits_0_when_every_row_is_imported(tmp_path, estate_a):
    path = write_csv(tmp_path / "rooms.csv", [ROOM_HEADERS, ["7栋", "1单元", "701", "7", "90"]])
    out, err = run("rooms", str(path), estate="a", lang="en")
    assert "1 rooms created" in out and not err


def test_the_command_exits_1_and_writes_a_report_when_some_rows_fail(tmp_path, estate_a):
    path = write_csv(tmp_path / "rooms.csv", [
        ROOM_HEADERS, ["7栋", "1单元", "701", "7", "90"], ["7栋", "1单元", "", "7", "90"],
        ["1栋", "1单元", "101", "1", ""],
    ])
    report = tmp_path / "report.csv"
    with pytest.raises(SystemExit) as exit_:
        run("rooms", str(path), estate="a", lang="en", report=str(report))
    assert exit_.value.code == 1
    assert ("7栋", "1单元", "701") in rooms_of(estate_a)
    lines = list(csv.reader(report.open(encoding="utf-8-sig")))
    assert lines[0] == ["row", "column", "result", "message"]
    assert lines[1][:3] == ["3", "房号", "error"]
    assert lines[2][:3] == ["4", "", "skipped"]


def test_the_command_reports_failures_row_by_row_on_stderr(tmp_path, estate_a):
    path = write_csv(tmp_path / "rooms.csv", [ROOM_HEADERS, ["7栋", "1单元", "7 01", "7", "90"]])
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import", "rooms", str(path), estate="a", lang="en", no_progress=True,
                     stdout=io.StringIO(), stderr=err)
    assert "Row 2" in err.getvalue() and "房号" in err.getvalue()


def test_the_command_exits_2_for_an_unknown_estate_or_unreadable_file(tmp_path, estate_a):
    path = write_csv(tmp_path / "rooms.csv", [ROOM_HEADERS])
    with pytest.raises(CommandError) as error:
        run("rooms", str(path), estate="nowhere")
    assert error.value.returncode == 2
    (tmp_path / "bad.xlsx").write_bytes(b"garbage")
    with pytest.raises(CommandError) as error:
        run("rooms", str(tmp_path / "bad.xlsx"), estate="a")
    assert error.value.returncode == 2


def test_relation_words_in_both_languages_are_understood():
    assert importing.relation_of("业主") == importing.relation_of("Owner") == "owner"
    assert importing.relation_of("租客") == importing.relation_of("tenant") == "tenant"
    assert importing.relation_of("家属") == importing.relation_of("family") == "family"
