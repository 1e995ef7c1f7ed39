"""Any ``Table`` to an Excel workbook or a CSV file, and the HTTP response that downloads it.

Each column's ``kind`` decides how a value is written: integers and numbers stay numbers,
percentages are fractions shown as ``0.0%``, durations (seconds) become hours with one
decimal (the header says so), dates and times are real dates in local time. A table whose
rows mix kinds in one ``number`` column (the key figures) gives each row's kind as
``row["kind"]``; a duration there is written as ``[h]:mm``, which needs no unit in the
header. Text that a
spreadsheet would read as a formula (it starts with ``= + - @``, or a tab or carriage
return) is defused: stored as a text cell in Excel, prefixed with an apostrophe in CSV.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from anju.analytics.tables import Column, Table

FORMATS = ("xlsx", "csv")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_WIDTH = 60
NUMBER_FORMATS = {
    "int": "#,##0",
    "number": "0.00",
    "percent": "0.0%",
    "duration": "0.0",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "hours_minutes": "[h]:mm",
}


def display_width(text: str) -> int:
    """Columns ``text`` takes in a spreadsheet: wide (CJK) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_START)


def header(column: Column) -> str:
    if column.kind == "duration":
        return _("%(label)s (hours)") % {"label": column.label}
    return str(column.label)


def cell_kind(column: Column, row: dict[str, Any]) -> str:
    """The column's kind, or the row's own for a mixed ``number`` column."""
    own = row.get("kind")
    if column.kind == "number" and isinstance(own, str) and own in NUMBER_FORMATS and own != "date":
        return "hours_minutes" if own == "duration" else own
    return column.kind


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def _local(value: datetime) -> datetime:
    """A naive local datetime: spreadsheets have no time zones."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None, microsecond=0)


def typed(value: Any, kind: str) -> Any:
    """The value as the spreadsheet should hold it for ``kind`` (None stays None).

    A value that does not fit its kind is kept as text rather than dropped.
    """
    if value is None or value == "":
        return None
    if kind == "int":
        number = _number(value)
        return round(number) if number is not None else str(value)
    if kind in ("number", "percent"):
        number = _number(value)
        return number if number is not None else str(value)
    if kind in ("duration", "hours_minutes"):
        seconds = value.total_seconds() if hasattr(value, "total_seconds") else _number(value)
        if seconds is None:
            return str(value)
        # Hours with one decimal; [h]:mm counts in days, rounded to the minute.
        return round(seconds / 3600, 1) if kind == "duration" else round(seconds / 60) / 1440
    if kind == "datetime" and isinstance(value, datetime):
        return _local(value)
    if kind == "date" and isinstance(value, datetime):
        return _local(value).date()
    if kind == "date" and isinstance(value, date):
        return value
    return str(value)


def csv_text(value: Any, kind: str) -> str:
    """One CSV cell: readable by people and by Excel's import alike."""
    value = typed(value, kind)
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if is_formula_like(value) else value
    if kind == "percent":
        return f"{value * 100:.1f}%"
    if kind == "number":
        return f"{value:.2f}"
    if kind == "duration":
        return f"{value:.1f}"
    if kind == "hours_minutes":
        minutes = round(value * 1440)
        return f"{'-' if minutes < 0 else ''}{abs(minutes) // 60}:{abs(minutes) % 60:02d}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _csv_rows(table: Table) -> Iterable[list[str]]:
    yield [csv_text(header(c), "text") for c in table.columns]
    for row in table.rows:
        yield [csv_text(v, cell_kind(c, row)) for c, v in zip(table.columns, table.values(row), strict=True)]


def to_csv(table: Table | list[Table]) -> str:
    """CSV text beginning with a UTF-8 byte-order mark, so Excel opens Chinese correctly.

    Several tables follow one another, each under its title, separated by an empty line.
    """
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    if isinstance(table, Table):
        writer.writerows(_csv_rows(table))
        return out.getvalue()
    for index, each in enumerate(table):
        if index:
            writer.writerow([])
        writer.writerow([csv_text(each.title, "text")])
        writer.writerows(_csv_rows(each))
    return out.getvalue()


def _sheet_title(title: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = re.sub(r"[\[\]:*?/\\]", " ", str(title)).strip().strip("'")[:31] or _("Sheet")
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _shown(value: Any, kind: str) -> str:
    """Roughly what Excel shows for the cell, to size the column."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return csv_text(value, kind) if kind != "int" else f"{value:,}"


def _write_sheet(sheet: Any, table: Table) -> None:
    bold = Font(bold=True)
    widths = [display_width(header(c)) for c in table.columns]
    for col, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=1, column=col, value=header(column))
        cell.data_type = "s"  # a label is never a formula
        cell.font = bold
    for r, row in enumerate(table.rows, start=2):
        for col, (column, raw) in enumerate(zip(table.columns, table.values(row), strict=True), start=1):
            kind = cell_kind(column, row)
            value = typed(raw, kind)
            cell = sheet.cell(row=r, column=col, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # "=1+1" from a resident stays text, never a formula
            elif kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[kind]
            widths[col - 1] = max(widths[col - 1], display_width(_shown(value, kind)))
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = min(width + 2, MAX_WIDTH)
    sheet.freeze_panes = "A2"


def to_xlsx(tables: Table | list[Table]) -> bytes:
    """An Excel workbook with one sheet per table."""
    if isinstance(tables, Table):
        tables = [tables]
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for table in tables or [Table(title=_("Empty"), columns=[])]:
        _write_sheet(book.create_sheet(_sheet_title(table.title, taken)), table)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_response(table_or_tables: Table | list[Table], fmt: str, filename: str) -> HttpResponse:
    """The download of one table (or several) as ``fmt`` (``xlsx`` or ``csv``).

    ``filename`` is without extension; Chinese is fine (RFC 6266 ``filename*``).
    An unknown format answers 400 with a message in the user's language.
    """
    fmt = (fmt or "").strip().lower()
    if fmt not in FORMATS:
        message = _("Unknown export format “%(format)s”: use xlsx or csv.") % {"format": fmt[:20]}
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", filename).strip(" ._") or "export"
    if fmt == "xlsx":
        response = HttpResponse(to_xlsx(table_or_tables), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(to_csv(table_or_tables).encode("utf-8"),
                                content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.{fmt}") or ""
    response["X-Content-Type-Options"] = "nosniff"
    return response
