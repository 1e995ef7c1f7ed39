"""``anju retention apply [--years N] [--dry-run]``: apply the retention policy now.

The worker applies it daily; this command is for a first run, a shorter period, or to
see what would change (``--dry-run`` counts per estate and changes nothing).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from anju.retention.services import Report, retention_apply


class Command(BaseCommand):
    help = "Anonymise complainants of long-finished complaints; delete old codes and messages."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        apply = sub.add_parser("apply", help="Apply the retention policy (see docs/security.md).")
        apply.add_argument("--years", type=int, default=None,
                           help="Anonymise complaints finished more than N years ago "
                                "(default: ANJU_RETENTION_YEARS).")
        apply.add_argument("--dry-run", action="store_true", help="Only print what would change.")

    def handle(self, *args: Any, subcommand: str, years: int | None, dry_run: bool,
               **options: Any) -> None:
        if years is not None and years < 1:
            raise CommandError("--years must be at least 1.")
        self._print(retention_apply(years=years, dry_run=dry_run))

    def _print(self, report: Report) -> None:
        write = self.stdout.write
        if report.dry_run:
            write("Dry run: nothing was changed.")
        cutoff = timezone.localtime(report.cutoff)
        write(f"Complaints finished before {cutoff:%Y-%m-%d %H:%M}, per estate:")
        for estate, count in report.complaints_by_estate.items():
            write(f"  {estate}: {count}")
        if not report.complaints_by_estate:
            write("  (none)")
        lines = [("complaints anonymised", report.complaints),
                 ("files removed", report.files_removed),
                 ("message recipients cleared", report.messages_cleared),
                 ("sign-in codes deleted", report.sign_in_codes_deleted),
                 ("finished messages deleted", report.messages_deleted),
                 ("spent sign-in counters deleted", report.sign_in_counters_deleted)]
        prefix = "would be " if report.dry_run else ""
        for label, count in lines:
            what, done = label.rsplit(" ", 1)
            write(f"{count:>8}  {what} {prefix}{done}")
