"""``anju import rooms|residents FILE --estate CODE``: load an estate's rooms or residents.

Exit status: 0 when every row was imported (or was already there), 1 when some rows
failed (the good ones are imported and the failures listed), 2 when the file cannot be
read or the estate is unknown. The work is done by ``anju.estates.importing``.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from tqdm import tqdm

from anju.estates.importing import IMPORTERS, ImportResult, UnreadableFile, read_table
from anju.estates.models import Estate


class Command(BaseCommand):
    help = "Import the rooms or residents of an estate from an .xlsx or CSV file."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=sorted(IMPORTERS), help="What the file lists.")
        parser.add_argument("file", help="An .xlsx workbook or a CSV file with a header row.")
        parser.add_argument("--estate", required=True, help="The estate's code, e.g. cuihu.")
        parser.add_argument("--report", metavar="FILE",
                            help="Also write the row-by-row report to this CSV file.")
        parser.add_argument("--lang", choices=["zh-hans", "en"],
                            help="Language of the report (default: the active language).")
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args: Any, lang: str | None, **options: Any) -> None:
        if lang:
            with translation.override(lang):
                self._handle(**options)
        else:
            self._handle(**options)

    def _handle(self, *, kind: str, file: str, estate: str, report: str | None,
                no_progress: bool, **options: Any) -> None:
        try:
            estate_obj = Estate.objects.get(code=estate)
        except Estate.DoesNotExist:
            raise CommandError(_("There is no estate with the code “%(code)s”.") % {"code": estate},
                               returncode=2) from None
        try:
            table = read_table(file, kind=kind)
        except UnreadableFile as exc:
            raise CommandError(f"{file}: {exc}", returncode=2) from None

        def progress(rows: Any) -> Any:
            # tqdm writes to the real stderr; disable=None hides it when that is not a terminal.
            return tqdm(rows, total=table.total, unit=_("rows"), file=sys.stderr,
                        disable=True if no_progress else None)

        result = IMPORTERS[kind](estate=estate_obj, table=table, progress=progress)
        self._print(result, verbosity=options["verbosity"])
        if report:
            write_report(result, Path(report))
        if not result.ok:
            sys.exit(1)

    def _print(self, result: ImportResult, *, verbosity: int) -> None:
        for heading in result.ignored_columns:
            self.stderr.write(_("Column “%(column)s” is not used.") % {"column": heading})
        self.stdout.write(summary(result))
        if verbosity >= 2:
            for issue in result.skipped:
                self.stdout.write(line(issue.row, issue.column, issue.message))
        for issue in result.errors:
            self.stderr.write(line(issue.row, issue.column, issue.message))


def summary(result: ImportResult) -> str:
    params = {"rows": result.rows, "created": result.created, "skipped": len(result.skipped),
              "failed": result.failed_rows, "buildings": result.buildings_created,
              "units": result.units_created, "residents": result.residents_created}
    if result.kind == "rooms":
        text = _("%(rows)s rows read: %(created)s rooms created (%(buildings)s new buildings, "
                 "%(units)s new units), %(skipped)s already there, %(failed)s rows failed.")
    else:
        text = _("%(rows)s rows read: %(created)s residents registered at rooms (%(residents)s "
                 "new residents), %(skipped)s already there, %(failed)s rows failed.")
    return text % params


def line(row: int, column: str, message: str) -> str:
    if column:
        return _("Row %(row)s, column “%(column)s”: %(message)s") % {
            "row": row, "column": column, "message": message}
    return _("Row %(row)s: %(message)s") % {"row": row, "message": message}


def write_report(result: ImportResult, path: Path) -> None:
    """The problems as CSV with a BOM, so Excel opens the Chinese text correctly."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([_("row"), _("column"), _("result"), _("message")])
        for outcome, issues in ((_("error"), result.errors), (_("skipped"), result.skipped)):
            for issue in sorted(issues, key=lambda issue: issue.row):
                writer.writerow([issue.row, issue.column, outcome, issue.message])
