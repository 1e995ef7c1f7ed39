"""Downloads of statistics (the league tables as .xlsx and .csv) as every actor.

Exporters (policy.EXPORTS_STATS) get an attachment whose department table counts exactly
the complaints the policy says they see; everyone else is refused (403) with no file, and
an unknown format is refused the same way before it is looked at.
"""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.access_matrix import endpoints, tally
from tests.access_matrix.endpoints import Export
from tests.access_matrix.interfaces import check, gate
from tests.access_matrix.policy import ACTORS, EXPORTS_STATS, sees

ROWS = endpoints.rows(Export)
TYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _rows(fmt: str, content: bytes) -> list[tuple]:
    if fmt == "csv":
        return [tuple(r) for r in csv.reader(io.StringIO(content.decode("utf-8-sig")))]
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [tuple("" if v is None else str(v) for v in r) for r in sheet.iter_rows(values_only=True)]


def _handled(rows: list[tuple]) -> int:
    """The complaints the department table counts (its second column, one row a department)."""
    return sum(int(r[1]) for r in rows[1:] if len(r) > 1 and str(r[1]).isdigit())


def _seen_in_a_department(cast, actor: str) -> int:
    return sum(1 for kind, status, c in cast.all_complaints()
               if sees(actor, kind, status) and c.department_id is not None)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("row", ROWS, ids=str)
def test_a_download_goes_only_to_exporters_and_counts_what_they_see(cast, sessions, row, actor):
    response = sessions.client(row.interface, actor).get(row.path, {"by": "department",
                                                                    "format": row.fmt})
    tally.count("console statistics downloads", 1)
    decided = gate(row.interface, actor)
    if decided is not None:
        assert check(row.interface, decided, response) is None
        return
    if actor not in EXPORTS_STATS:
        assert response.status_code == 403, f"{actor}: got {response.status_code}"
        assert "Content-Disposition" not in response
        return
    assert response.status_code == 200, f"{actor}: got {response.status_code}"
    assert response["Content-Type"].startswith(TYPES[row.fmt])
    assert response["Content-Disposition"].startswith("attachment")
    assert f".{row.fmt}" in response["Content-Disposition"]
    assert _handled(_rows(row.fmt, response.content)) == _seen_in_a_department(cast, actor), actor


@pytest.mark.parametrize("actor", ACTORS)
def test_an_unknown_format_is_refused_alike_to_those_who_may_not_export(cast, sessions, actor):
    path = ROWS[0].path
    response = sessions.client(ROWS[0].interface, actor).get(path, {"format": "pdf"})
    tally.count("console statistics downloads", 1)
    decided = gate(ROWS[0].interface, actor)
    if decided is not None:
        assert check(ROWS[0].interface, decided, response) is None
    elif actor in EXPORTS_STATS:
        assert response.status_code == 400
    else:
        assert response.status_code == 403
    assert "Content-Disposition" not in response
