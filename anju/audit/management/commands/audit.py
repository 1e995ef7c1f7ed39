"""``anju audit``: check the audit log's hash chain, or print its head to note elsewhere.

``anju audit head`` prints ``SEQ:HASH``. Keep that line somewhere the database's
administrators cannot change (a ticket, an e-mail to the auditor, a printout); later,
``anju audit verify --expect-head SEQ:HASH`` proves the log up to that entry is the same
and was not cut short. ``verify`` exits with status 1 and names the first problem.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anju.audit.log import current_head
from anju.audit.verify import verify

HEAD = re.compile(r"^(\d+):([0-9a-f]{64})$")


def parse_head(value: str) -> tuple[int, str]:
    match = HEAD.match(value.strip().lower())
    if match is None:
        raise CommandError(f"--expect-head takes SEQ:HASH as printed by 'anju audit head', not {value!r}.")
    return int(match.group(1)), match.group(2)


class Command(BaseCommand):
    help = "Verify the audit log's hash chain, or print its head."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        check = sub.add_parser("verify", help="Walk the chain; report OK or the first problem.")
        check.add_argument("--expect-head", metavar="SEQ:HASH",
                           help="A head noted earlier with 'anju audit head'; detects rewriting "
                                "and entries deleted from the end.")
        check.add_argument("--batch-size", type=int, default=1000, help="Entries read per query.")
        sub.add_parser("head", help="Print the last entry as SEQ:HASH.")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "head":
            seq, last_hash = current_head()
            self.stdout.write(f"{seq}:{last_hash}")
            return
        expect = parse_head(options["expect_head"]) if options.get("expect_head") else None
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        report = verify(expect=expect, batch_size=options["batch_size"])
        if report.problem is not None:
            problem = report.problem
            raise CommandError(f"audit log {problem.kind.upper()} at entry {problem.seq}: "
                               f"{problem.message} ({report.count} earlier entries verified).")
        self.stdout.write(f"OK: {report.count} entries verified; head {report.head_seq}:{report.head_hash}")
